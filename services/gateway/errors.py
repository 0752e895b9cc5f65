"""The one place where a domain error's kind becomes an HTTP status code."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from shared.errors import ErrorKind, HelpdeskError

STATUS_BY_KIND: dict[ErrorKind, int] = {
    "invalid": 422,
    "not_found": 404,
    "conflict": 409,
    "forbidden": 403,
    "too_large": 413,
    "unsupported_type": 415,
    "rate_limited": 429,
    "unavailable": 503,
}


async def _helpdesk_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HelpdeskError)
    headers = {"Retry-After": "5"} if error.kind in ("unavailable", "rate_limited") else None
    return JSONResponse({"detail": error.message}, STATUS_BY_KIND[error.kind], headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(HelpdeskError, _helpdesk_error)
