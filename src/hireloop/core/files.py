"""The base64 FileData payload of 003 ({data, file_name, mime_type, size?}): decoding, size
limits and MIME sniffing from content (the declared type is never trusted)."""

import base64
import binascii
import mimetypes
import os
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.files.base import ContentFile
from ninja import Schema
from pydantic import Field

from hireloop.core.errors import ValidationFailed


class FileData(Schema):
    data: str = Field(..., description="File content, base64-encoded.")
    file_name: str = Field(..., min_length=1, max_length=255)
    mime_type: str = Field(..., max_length=150, description="Declared type; the stored type is sniffed from content.")
    size: int | None = Field(None, ge=0, description="Size in bytes (optional, checked when given).")


@dataclass
class DecodedFile:
    content: bytes
    file_name: str
    mime_type: str  # sniffed
    declared_mime_type: str

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def extension(self) -> str:
        return os.path.splitext(self.file_name)[1].lstrip(".").lower()

    def as_django_file(self) -> ContentFile:
        return ContentFile(self.content, name=self.file_name)


_TEXT_TYPES = {
    "text/plain",
    "text/csv",
    "text/html",
    "text/markdown",
    "application/json",
    "text/rtf",
    "application/rtf",
}


def sniff_mime_type(content: bytes, file_name: str) -> str:
    """The type the bytes really are; text formats fall back to the name when they decode as text."""
    kind = filetype.guess(content[:8192])
    if kind is not None:
        mime = kind.mime
        # DOCX/XLSX/PPTX are zip files: refine by name when the zip guess is generic.
        if mime == "application/zip":
            guessed, _ = mimetypes.guess_type(file_name)
            if guessed and guessed.startswith("application/vnd.openxmlformats"):
                return guessed
        return mime
    if content.startswith(b"{\\rtf"):
        return "application/rtf"
    try:
        content[:65536].decode("utf-8")
    except UnicodeDecodeError:
        return "application/octet-stream"
    guessed, _ = mimetypes.guess_type(file_name)
    return guessed if guessed in _TEXT_TYPES else "text/plain"


def safe_file_name(name: str) -> str:
    name = os.path.basename(name.replace("\\", "/")).strip().replace("\x00", "")
    return name[:255] or "file"


def decode_file(payload: FileData, *, field: str = "file", max_bytes: int | None = None) -> DecodedFile:
    """Decode and check a FileData payload; every problem is a 400 naming `field`."""
    limit = max_bytes or settings.MAX_UPLOAD_BYTES
    if len(payload.data) > limit * 4 // 3 + 8:
        raise ValidationFailed({field: f"File is larger than the {limit // (1024 * 1024)} MB limit."})
    data = payload.data
    if data.startswith("data:") and "," in data:  # tolerate data URLs
        data = data.split(",", 1)[1]
    try:
        content = base64.b64decode("".join(data.split()), validate=True)
    except (binascii.Error, ValueError):
        raise ValidationFailed({f"{field}.data": "Not valid base64."}) from None
    if not content:
        raise ValidationFailed({f"{field}.data": "File is empty."})
    if len(content) > limit:
        raise ValidationFailed({field: f"File is larger than the {limit // (1024 * 1024)} MB limit."})
    if payload.size is not None and payload.size != len(content):
        raise ValidationFailed({f"{field}.size": f"Declared size {payload.size} does not match {len(content)} bytes."})
    file_name = safe_file_name(payload.file_name)
    return DecodedFile(
        content=content,
        file_name=file_name,
        mime_type=sniff_mime_type(content, file_name),
        declared_mime_type=payload.mime_type,
    )


def readable_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"
