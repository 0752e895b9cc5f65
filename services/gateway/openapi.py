"""The OpenAPI document, with the refusals every operation can meet written into it.

Some refusals come from what an operation is, not from its code: a bearer token can be
missing (401), an agent endpoint refuses users (403), what a path names may not exist
(404), a body can be unreadable, not UTF-8
or too large (400, 413), an upload's type can be refused (415), and a service behind the
gateway can be away (503). They are added here from the generated document itself, so a
new endpoint is documented by being what it is; refusals particular to one endpoint (404,
409, 429...) stay in its own `responses`.
"""

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from pydantic import BaseModel, Field

# Agent endpoints live under this prefix (the contract in shared/API.md).
AGENT_PREFIX = "/api/v1/agent/"
# Operations answered by the gateway alone: they never wait for a service.
LOCAL_PREFIXES = ("/api/v1/help", "/api/v1/kb/", "/api/v1/demo/", "/healthz")


class ErrorBody(BaseModel):
    """Every refusal: `detail` (English, a text or a list of field problems) and `code`."""

    detail: str | list[dict[str, Any]]
    code: str = Field(description="stable snake_case name of the refusal, for translations")


REFUSALS: dict[int, str] = {
    400: "malformed request: unreadable body or text that is not UTF-8",
    401: "missing, invalid or expired bearer token",
    403: "this needs a support agent's account",
    404: "no such thing (or not yours to see)",
    413: "request body too large",
    415: "attachment type not accepted",
    503: "a service is unavailable; retry after Retry-After seconds",
}


def refusal(description: str) -> dict[str, Any]:
    """An endpoint's own refusal for its `responses`, with the common error body."""
    return {"description": description, "model": ErrorBody}


def install_openapi(app: FastAPI) -> None:
    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            schema["components"]["schemas"]["ErrorBody"] = ErrorBody.model_json_schema()
            for path, operations in schema["paths"].items():
                for operation in operations.values():
                    _document_refusals(path, operation)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _document_refusals(path: str, operation: dict[str, Any]) -> None:
    statuses: list[int] = []
    if operation.get("security"):
        statuses.append(401)
    if path.startswith(AGENT_PREFIX):
        statuses.append(403)
    if "{" in path:  # a path parameter names something that may not exist
        statuses.append(404)
    body = operation.get("requestBody")
    if body:
        statuses += [400, 413]
        if "multipart/form-data" in body.get("content", {}):
            statuses.append(415)
    if path.startswith("/api/v1/") and not path.startswith(LOCAL_PREFIXES):
        statuses.append(503)
    responses = operation.setdefault("responses", {})
    for status in statuses:
        answer = responses.setdefault(str(status), {"description": REFUSALS[status]})
        answer.setdefault(
            "content",
            {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}},
        )
