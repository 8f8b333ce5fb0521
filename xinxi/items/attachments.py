"""Attachments and text import: what a reporter may upload, checked by content, not name."""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from django.conf import settings

from xinxi.items.models import Attachment, Item
from xinxi.items.text import clean_body
from xinxi.lib.errors import ServiceError

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

ALLOWED = {
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
KINDS = "DOCX、PDF、JPG、PNG"


def max_bytes() -> int:
    return int(getattr(settings, "XINXI_MAX_ATTACHMENT_BYTES", 20 * 1024 * 1024))


def _head(upload: UploadedFile, n: int = 8) -> bytes:
    upload.seek(0)
    data = upload.read(n)
    upload.seek(0)
    return data


def _is_docx(upload: UploadedFile) -> bool:
    try:
        upload.seek(0)
        with zipfile.ZipFile(upload) as archive:
            return "word/document.xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)


def detect_kind(upload: UploadedFile) -> str:
    """The file's real type from its bytes; raises a Chinese error for anything else."""
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix not in ALLOWED:
        raise ServiceError(f"不支持“{upload.name}”这种文件：附件只能是 {KINDS}。")
    head = _head(upload)
    ok = {
        ".pdf": head.startswith(b"%PDF-"),
        ".jpg": head.startswith(b"\xff\xd8\xff"),
        ".jpeg": head.startswith(b"\xff\xd8\xff"),
        ".png": head.startswith(b"\x89PNG\r\n\x1a\n"),
        ".docx": head.startswith(b"PK") and _is_docx(upload),
    }[suffix]
    if not ok:
        raise ServiceError(f"“{upload.name}”的内容与扩展名不符或文件已损坏，请检查后重新上传。")
    return suffix


def _size(n: int) -> str:
    return f"{n / 1048576:.1f} MB" if n >= 1048576 else f"{max(1, round(n / 1024))} KB"


def check_size(upload: UploadedFile) -> None:
    limit = max_bytes()
    if upload.size is None or upload.size == 0:
        raise ServiceError(f"“{upload.name}”是空文件。")
    if upload.size > limit:
        raise ServiceError(f"“{upload.name}”有 {_size(upload.size)}，超过 {_size(limit)} 的上限。")


def store_attachment(*, item: Item, upload: UploadedFile, actor: Any) -> Attachment:
    check_size(upload)
    suffix = detect_kind(upload)
    name = PurePath(upload.name or f"附件{suffix}").name[:200]
    if item.attachments.count() >= 10:
        raise ServiceError("每条信息最多 10 个附件。")
    attachment = Attachment(
        item=item, name=name, size=upload.size or 0, content_type=ALLOWED[suffix], uploaded_by=actor
    )
    attachment.file.save(f"{item.pk}{suffix}", upload, save=False)
    attachment.save()
    return attachment


def text_from_file(upload: UploadedFile) -> str:
    """The text of a DOCX or plain-text file, for taking into an item's body.

    Plain text may be UTF-8 or GBK/GB18030 (what Windows tools often write).
    """
    check_size(upload)
    suffix = PurePath(upload.name or "").suffix.lower()
    if suffix == ".docx":
        detect_kind(upload)
        from docx import Document

        upload.seek(0)
        document = Document(io.BytesIO(upload.read()))
        return clean_body("\n".join(p.text for p in document.paragraphs))
    if suffix == ".txt":
        upload.seek(0)
        raw = upload.read()
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return clean_body(raw.decode(encoding))
            except UnicodeDecodeError:
                continue
        raise ServiceError(f"无法识别“{upload.name}”的文字编码（支持 UTF-8 和 GBK）。")
    raise ServiceError("只能从 DOCX 或 TXT 文件导入正文。")
