"""Domain errors shared by every service; one place (the gateway) maps their kinds to HTTP."""

from typing import ClassVar, Literal

ErrorKind = Literal[
    "invalid",
    "unauthorized",
    "not_found",
    "conflict",
    "forbidden",
    "too_large",
    "unsupported_type",
    "rate_limited",
    "unavailable",
    "internal",
]


class HelpdeskError(Exception):
    """A rule of the product said no; `kind` decides the status code the client sees.

    `code` is the stable, machine-readable name of the refusal (snake_case, e.g.
    `chat_phone_invalid`): clients translate it into the user's language and show
    `message` (English) only for a code they do not know yet. It defaults to the kind.
    """

    kind: ClassVar[ErrorKind] = "invalid"

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.kind


class InvalidRequest(HelpdeskError):
    kind = "invalid"


class Unauthorized(HelpdeskError):
    """No valid bearer token: the caller is unknown."""

    kind = "unauthorized"


class NotFound(HelpdeskError):
    kind = "not_found"


class Conflict(HelpdeskError):
    kind = "conflict"


class Forbidden(HelpdeskError):
    kind = "forbidden"


class TooLarge(HelpdeskError):
    kind = "too_large"


class UnsupportedType(HelpdeskError):
    kind = "unsupported_type"


class RateLimited(HelpdeskError):
    kind = "rate_limited"


class Unavailable(HelpdeskError):
    kind = "unavailable"


class InternalError(HelpdeskError):
    """A bug in a service: reported to the caller at once rather than as a timeout."""

    kind = "internal"


ERRORS_BY_KIND: dict[str, type[HelpdeskError]] = {
    cls.kind: cls
    for cls in (
        InvalidRequest,
        Unauthorized,
        NotFound,
        Conflict,
        Forbidden,
        TooLarge,
        UnsupportedType,
        RateLimited,
        Unavailable,
        InternalError,
    )
}
