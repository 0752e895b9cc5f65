"""The one place where a domain error's kind becomes an HTTP status code."""

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from shared.errors import ErrorKind, HelpdeskError

STATUS_BY_KIND: dict[ErrorKind, int] = {
    "invalid": 422,
    "unauthorized": 401,
    "not_found": 404,
    "conflict": 409,
    "forbidden": 403,
    "too_large": 413,
    "unsupported_type": 415,
    "rate_limited": 429,
    "unavailable": 503,
    "internal": 500,
}


def error_response(error: HelpdeskError) -> JSONResponse:
    """The HTTP answer to a refusal: its status, `detail` (English) and stable `code`."""
    headers = {"Retry-After": "5"} if error.kind in ("unavailable", "rate_limited") else {}
    if error.kind == "unauthorized":
        headers["WWW-Authenticate"] = "Bearer"
    detail: object = error.message
    if error.kind == "invalid":
        # Every 422 has one shape, the one FastAPI documents for its own validation errors,
        # so a client reads a rule's refusal and a malformed field the same way.
        detail = [{"type": "value_error", "loc": [], "msg": error.message}]
    return JSONResponse(
        {"detail": detail, "code": error.code}, STATUS_BY_KIND[error.kind], headers=headers
    )


async def _helpdesk_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HelpdeskError)
    return error_response(error)


async def _invalid_input(request: Request, error: Exception) -> JSONResponse:
    """Models built from request data in an endpoint say no the way FastAPI's own do."""
    assert isinstance(error, ValidationError)
    return JSONResponse(
        {"detail": jsonable_encoder(error.errors(include_url=False, include_context=False))},
        422,
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(HelpdeskError, _helpdesk_error)
    app.add_exception_handler(ValidationError, _invalid_input)
