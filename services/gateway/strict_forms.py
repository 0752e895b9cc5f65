"""Form text must be UTF-8: Starlette's form parsers would quietly keep anything else.

A multipart field that is not UTF-8 is decoded as Latin-1 (mojibake) and an urlencoded
one gets U+FFFD for each bad byte; either way the stored text is not what was sent. The
two decoding functions the parsers call are replaced with strict ones that refuse the
request (400, `invalid_utf8`). Installed once per process; a Starlette that no longer has
these functions stops the start instead of silently accepting bad text again.
"""

from urllib.parse import unquote_to_bytes

from starlette import formparsers
from starlette.exceptions import HTTPException

INVALID_UTF8 = "invalid_utf8"


class NotUtf8(HTTPException):
    """A form field, name or file name that is not valid in the form's character set."""

    code = INVALID_UTF8

    def __init__(self) -> None:
        super().__init__(400, "the form's text is not valid UTF-8")


def _strict_decode(src: bytes | bytearray, codec: str) -> str:
    try:
        return src.decode(codec)
    except (UnicodeDecodeError, LookupError):
        raise NotUtf8() from None


def _strict_unquote_plus(latin1: str) -> str:
    # The urlencoded parser hands over the raw bytes as Latin-1 text; undo that, then
    # percent-decode and read the result as UTF-8, strictly.
    raw = unquote_to_bytes(latin1.encode("latin-1").replace(b"+", b" "))
    return _strict_decode(raw, "utf-8")


def install_strict_forms() -> None:
    for name in ("_user_safe_decode", "unquote_plus"):
        if not hasattr(formparsers, name):
            raise RuntimeError(f"starlette.formparsers.{name} is gone: revisit strict_forms.py")
    formparsers._user_safe_decode = _strict_decode
    formparsers.unquote_plus = _strict_unquote_plus  # type: ignore[assignment,attr-defined]
