"""The web client: the demo host page `/`, the ops console `/console` and `/static/...`."""

from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel

from services.gateway.attachments.uploads import ALLOWED_TYPES, TEXT_EXTENSIONS
from services.gateway.deps import AppSettings
from shared.settings import Settings

WEB_DIR = Path(__file__).resolve().parent.parent / "web"

router = APIRouter(include_in_schema=False)


class ClientConfig(BaseModel):
    """What the browser needs before its first API call and cannot read from a token."""

    demo: bool
    max_attachment_mb: int
    # For the file picker's `accept` and the limits shown before an upload; the gateway
    # still decides by content, so this list only spares users a refused upload.
    accept: list[str]
    # The largest file sent in a chat (held in the chat service's memory, so smaller).
    chat_file_max_mb: int


def _page(name: str) -> FileResponse:
    return FileResponse(WEB_DIR / name, headers={"Cache-Control": "no-cache"})


@router.get("/")
async def host_page() -> FileResponse:
    return _page("index.html")


@router.get("/console")
async def console_page() -> FileResponse:
    return _page("console.html")


@router.get("/web/config.json")
async def client_config(settings: AppSettings) -> ClientConfig:
    extensions = sorted({*ALLOWED_TYPES.values(), *TEXT_EXTENSIONS, ".jpeg"})
    return ClientConfig(
        demo=settings.demo,
        max_attachment_mb=settings.max_attachment_mb,
        accept=extensions,
        chat_file_max_mb=settings.chat_file_max_mb,
    )


def install_pages(app: FastAPI) -> None:
    """The pages and static files, readable from any origin so a host can embed the menu.

    The embed's modules load from the gateway's origin into the host's page, which the
    browser allows only with CORS. Any origin is safe by default: every API call needs a
    bearer token the host hands over, and no cookie is ever sent (credentials stay off);
    operators who want to name their hosts set HELPDESK_CORS_ORIGINS.
    """
    settings: Settings = app.state.settings
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_methods=["GET", "POST", "PATCH", "DELETE"],
        allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
    )
    app.include_router(router)
    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")
