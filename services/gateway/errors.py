"""The one place where a domain error's kind becomes an HTTP status code."""

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.canned_replies import PLACEHOLDER_UNKNOWN
from shared.errors import ErrorKind, HelpdeskError
from shared.text import FORBIDDEN_CHARACTERS
from shared.tickets import DAY_INVALID, SEARCH_INVALID

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
# Validation errors (422) of our own rules: their `type` is the refusal's code.
VALIDATION_CODES = frozenset(
    {FORBIDDEN_CHARACTERS, DAY_INVALID, SEARCH_INVALID, PLACEHOLDER_UNKNOWN}
)
CODE_BY_STATUS = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    413: "request_too_large",
    415: "unsupported_type",
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
    """A malformed field: where and why, never the rejected value itself.

    Echoing input would send a 3 MB field straight back, and a rejected value may be
    what a log or a proxy should never see. FastAPI's own validation errors and models
    built from request data in an endpoint answer alike.
    """
    assert isinstance(error, ValidationError | RequestValidationError)
    problems = [
        {"type": problem["type"], "loc": list(problem["loc"]), "msg": problem["msg"]}
        for problem in error.errors()
    ]
    return JSONResponse(
        {"detail": jsonable_encoder(problems), "code": validation_code(problems)}, 422
    )


# Where a field sits in a request, not which field it is.
_LOCATIONS = {"body", "query", "path", "header", "cookie", "type"}


def validation_code(problems: Sequence[Any], prefix: str = "") -> str:
    """The stable code of a validation error, for clients to translate.

    A rule of ours names its refusal (`text_forbidden_characters`); any other malformed
    field is named by the first failing one: `subject_invalid`, or with `prefix`
    `chat_phone_invalid`. A client that does not know the code shows the English detail.
    """
    own = [problem["type"] for problem in problems if problem["type"] in VALIDATION_CODES]
    if own:
        return str(own[0])
    for problem in problems:
        names = [part for part in problem.get("loc", ()) if isinstance(part, str)]
        fields = [name for name in names if name not in _LOCATIONS]
        if fields:
            return f"{prefix}{fields[-1]}_invalid"
    return f"{prefix}invalid"


async def _http_error(request: Request, error: Exception) -> Response:
    """Starlette's and FastAPI's own refusals (404 route, 405, unreadable body) with a code."""
    assert isinstance(error, StarletteHTTPException)
    code = getattr(error, "code", None) or CODE_BY_STATUS.get(error.status_code, "http_error")
    if error.status_code in (204, 304):
        return Response(status_code=error.status_code, headers=error.headers)
    return JSONResponse(
        {"detail": error.detail, "code": code}, error.status_code, headers=error.headers
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(HelpdeskError, _helpdesk_error)
    app.add_exception_handler(ValidationError, _invalid_input)
    app.add_exception_handler(RequestValidationError, _invalid_input)
    app.add_exception_handler(StarletteHTTPException, _http_error)
