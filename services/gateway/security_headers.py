"""Security headers on every answer: no MIME sniffing, no framing by other origins, a CSP.

The pages (`/`, `/console`) load only the gateway's own scripts and styles (no inline
code: tests/gateway/test_security_headers.py checks the web client), talk only to the
gateway (fetch and WebSockets), and may be framed by no other origin. API answers are
data, never a document to render. FastAPI's /docs and /redoc pages load Swagger and
ReDoc from a CDN with inline code: they get no CSP, only the other headers. The Help
menu itself is embedded by host pages with a <script> tag, which no header here affects.
"""

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ]
)
DATA_POLICY = "default-src 'none'; frame-ancestors 'none'"
DOC_PAGES = ("/docs", "/redoc")


def policy_for(path: str) -> str | None:
    if path.startswith("/api/"):
        return DATA_POLICY
    if path.startswith(DOC_PAGES):
        return None
    return PAGE_POLICY


class SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = policy_for(scope["path"])

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("X-Frame-Options", "SAMEORIGIN")
                headers.setdefault("Referrer-Policy", "no-referrer")
                if policy is not None:
                    headers.setdefault("Content-Security-Policy", policy)
            await send(message)

        await self.app(scope, receive, with_headers)
