"""Request bodies read whole into memory: a chat's file, which must never touch the disk."""

from typing import Annotated

from fastapi import Depends, Request


async def read_in_memory(request: Request) -> bytes:
    """The request's body as bytes in memory.

    Not a multipart form: Starlette spools an uploaded file over 1 MB to a temporary file
    on disk. The body guard (services/gateway/body_guard.py) knows routes by this
    dependency and caps the body at its limit before and while it is read.
    """
    return await request.body()


InMemoryBody = Annotated[bytes, Depends(read_in_memory)]
