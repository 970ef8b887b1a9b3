"""Stored files: ids, paths, PhotoSize/Document objects and image dimension sniffing."""

from __future__ import annotations

import mimetypes
import secrets
import struct
from dataclasses import dataclass, field
from typing import Any

# Longest-side targets of the sizes Telegram generates for a photo (s, m, x, y).
PHOTO_SIDES = (90, 320, 800, 1280)
DEFAULT_PHOTO_DIMENSIONS = (1280, 960)


@dataclass
class StoredFile:
    """One file_id's bytes and metadata."""

    file_id: str
    file_unique_id: str
    data: bytes = field(repr=False)
    file_path: str
    file_name: str | None = None
    mime_type: str | None = None
    # Photo sizes of one upload share a group, so reusing any of their ids resends the set.
    photo_sizes: list[dict[str, Any]] | None = None

    def as_file(self) -> dict[str, Any]:
        """The Bot API File object."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
            "file_path": self.file_path,
        }

    def as_document(self) -> dict[str, Any]:
        """The Bot API Document object."""
        document: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": len(self.data),
        }
        if self.file_name:
            document["file_name"] = self.file_name
        if self.mime_type:
            document["mime_type"] = self.mime_type
        return document


class FileStore:
    """All files known to the emulator, addressable by file_id and by file_path."""

    def __init__(self) -> None:
        # A per-instance tag keeps ids from different emulator runs distinct, like Telegram's.
        self._tag = secrets.token_hex(3)
        self._counter = 0
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}

    def _register(
        self, data: bytes, folder: str, ext: str, file_name: str | None, mime_type: str | None
    ) -> StoredFile:
        self._counter += 1
        n = self._counter
        prefix = "AgAC" if folder == "photos" else "BQAC"
        stored = StoredFile(
            file_id=f"{prefix}{self._tag}{n:06d}",
            file_unique_id=f"AQAD{self._tag}{n:04d}",
            data=data,
            file_path=f"{folder}/file_{n}{ext}",
            file_name=file_name,
            mime_type=mime_type,
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def add_document(self, data: bytes, file_name: str | None, mime_type: str | None) -> StoredFile:
        """Store a document; the mime type is guessed from the name when not given."""
        if not mime_type or mime_type == "application/octet-stream":
            mime_type = (mimetypes.guess_type(file_name)[0] if file_name else None) or mime_type
        ext = ""
        if file_name and "." in file_name:
            ext = "." + file_name.rsplit(".", 1)[1]
        return self._register(data, "documents", ext, file_name, mime_type)

    def add_photo(self, data: bytes) -> list[dict[str, Any]]:
        """Store a photo and return its PhotoSize list, smallest first."""
        width, height = image_dimensions(data) or DEFAULT_PHOTO_DIMENSIONS
        longest = max(width, height, 1)
        sizes: list[dict[str, Any]] = []
        for side in PHOTO_SIDES:
            scale = side / longest
            stored = self._register(data, "photos", ".jpg", None, "image/jpeg")
            sizes.append(
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "file_size": len(data),
                    "width": max(1, round(width * scale)),
                    "height": max(1, round(height * scale)),
                }
            )
        for size in sizes:
            self._by_id[size["file_id"]].photo_sizes = sizes
        return sizes

    def get(self, file_id: str) -> StoredFile | None:
        """The file with this id, if any."""
        return self._by_id.get(file_id)

    def by_path(self, file_path: str) -> StoredFile | None:
        """The file served at this path, if any."""
        return self._by_path.get(file_path)


def image_dimensions(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, GIF or JPEG image, or None when not recognisable."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return int(width), int(height)
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        width, height = struct.unpack("<HH", data[6:10])
        return int(width), int(height)
    if data.startswith(b"\xff\xd8"):
        return _jpeg_dimensions(data)
    return None


def _jpeg_dimensions(data: bytes) -> tuple[int, int] | None:
    i = 2
    while i + 9 < len(data):
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        length = int.from_bytes(data[i + 2 : i + 4], "big")
        # SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return int(width), int(height)
        i += 2 + length
    return None
