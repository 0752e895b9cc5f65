"""Files shared in chats, held in this process's memory only and capped.

A file lives exactly as long as its chat: when the chat ends its files are dropped with
it. Nothing here writes anywhere; the caps bound what a chat, and all chats of this
instance together, can make the process hold.
"""

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from shared.chat import ChatFileRef
from shared.errors import Conflict, InvalidRequest, NotFound, TooLarge, Unavailable


@dataclass(frozen=True)
class FileLimits:
    max_bytes: int
    per_chat: int
    total_bytes: int


@dataclass(frozen=True)
class HeldFile:
    ref: ChatFileRef
    content: bytes


@dataclass
class FileShelf:
    """Every chat's files, by chat id and then file id."""

    limits: FileLimits
    new_id: Callable[[], str] = field(default=lambda: uuid.uuid4().hex)
    held: dict[str, dict[str, HeldFile]] = field(default_factory=dict)
    total_bytes: int = 0

    def put(self, chat_id: str, filename: str, content_type: str, content: bytes) -> ChatFileRef:
        """Keep a file for the chat; refused past any cap, and then nothing is kept."""
        size = len(content)
        if not size:
            raise InvalidRequest("the file is empty", "attachment_empty")
        if size > self.limits.max_bytes:
            raise TooLarge(
                f"a file in chat may have at most {_megabytes(self.limits.max_bytes)}",
                "chat_file_too_large",
            )
        files = self.held.get(chat_id, {})
        if len(files) >= self.limits.per_chat:
            raise Conflict(
                f"this chat already has {self.limits.per_chat} files; send a ticket for more",
                "chat_too_many_files",
            )
        if self.total_bytes + size > self.limits.total_bytes:
            # Everyone's chats share this memory: the sender can try again once others end.
            raise Unavailable(
                "chat cannot take more files right now; try again later", "chat_files_full"
            )
        ref = ChatFileRef(id=self.new_id(), filename=filename, content_type=content_type, size=size)
        self.held.setdefault(chat_id, {})[ref.id] = HeldFile(ref, content)
        self.total_bytes += size
        return ref

    def get(self, chat_id: str, file_id: str) -> HeldFile:
        held = self.held.get(chat_id, {}).get(file_id)
        if held is None:
            raise NotFound("there is no such file in this chat", "chat_file_not_found")
        return held

    def drop(self, chat_id: str) -> None:
        """The chat ended: its files are gone."""
        for held in self.held.pop(chat_id, {}).values():
            self.total_bytes -= held.ref.size

    def count(self) -> int:
        return sum(len(files) for files in self.held.values())


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB"
