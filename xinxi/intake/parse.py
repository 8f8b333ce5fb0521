"""Reading one raw RFC 822 message: sender, subject, body text and attachments, and what is wrong.

Headers are decoded from RFC 2047 (GBK/GB18030 included); a body part in GB2312 or GBK is
read as GB18030 (its superset, what Chinese mail clients really send). The body is the
first text/plain part, or the text of the first text/html part with its markup stripped
(scripts and styles dropped, entities decoded: nothing of the HTML is kept). Attachments go
through the items attachment checks (``items.attachments``: size limit, allowed kinds by
content); a DOCX is read with the same import the item form uses (``text_from_file``) and
taken as the body when the mail's own text is empty or trivial ("见附件").
"""

from __future__ import annotations

import email
import email.header
import email.policy
import email.utils
import re
from dataclasses import dataclass, field
from email.message import Message
from html.parser import HTMLParser
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from xinxi.items import attachments as item_attachments
from xinxi.items import text as item_text
from xinxi.lib.errors import ServiceError

TRIVIAL_BODY = 100  # characters: a body shorter than this ("见附件，请审阅。") gives way to a DOCX
TRIVIAL_WITH_NOTE = 300  # a body that points to the attachment ("报送信息一则，见附件" and a signature)


def trivial(body: str) -> bool:
    return len(body) < TRIVIAL_BODY or ("附件" in body and len(body) < TRIVIAL_WITH_NOTE)
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "cp936": "gb18030", "euc-cn": "gb18030"}


def decode_bytes(data: bytes, charset: str | None) -> str:
    tried = []
    if charset:
        tried.append(_ALIASES.get(charset.lower().strip(), charset.lower().strip()))
    tried += ["utf-8", "gb18030"]
    for name in tried:
        try:
            return data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("utf-8", errors="replace")


def decode_header(value: Any) -> str:
    """A header as text; undecodable RFC 2047 words are decoded by hand with the GBK aliases."""
    if value is None:
        return ""
    raw = str(value)
    if "=?" not in raw:
        return raw
    parts = []
    for chunk, charset in email.header.decode_header(raw):
        parts.append(decode_bytes(chunk, charset) if isinstance(chunk, bytes) else chunk)
    return "".join(parts)


class _Text(HTMLParser):
    BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "section"})
    SKIP = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BLOCKS:
            self.out.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BLOCKS:
            self.out.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.out.append(data)


def html_to_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    text = "".join(parser.out)
    return re.sub(r"\n\s*\n+", "\n\n", text)


@dataclass
class Found:
    """One attachment: its name, bytes, and why it cannot be kept ("" when it can)."""

    name: str
    data: bytes
    reason: str = ""
    docx_text: str | None = None

    @property
    def ok(self) -> bool:
        return not self.reason

    def upload(self) -> SimpleUploadedFile:
        return SimpleUploadedFile(self.name, self.data)


@dataclass
class Parsed:
    sender: str = ""
    sender_name: str = ""
    message_id: str = ""
    subject: str = ""
    body: str = ""
    body_from: str = ""
    sent_at: Any = None
    attachments: list[Found] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _check_attachment(found: Found) -> None:
    upload = found.upload()
    try:
        item_attachments.check_size(upload)
        suffix = item_attachments.detect_kind(upload)
        if suffix == ".docx":
            found.docx_text = item_attachments.text_from_file(upload)
    except ServiceError as exc:
        found.reason = str(exc.messages[0])
    except Exception:  # a damaged DOCX can fail deep inside the XML parser
        found.reason = f"无法读取“{found.name}”的内容，文件可能已损坏。"


def _text_of(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    text = decode_bytes(payload, part.get_content_charset())
    if part.get_content_type() == "text/html":
        text = html_to_text(text)
    return text


def parse(raw: bytes) -> Parsed:
    message = email.message_from_bytes(raw, policy=email.policy.compat32)
    out = Parsed()
    name, address = email.utils.parseaddr(decode_header(message.get("From")))
    out.sender, out.sender_name = address.strip().lower()[:254], item_text.clean_title(name)[:200]
    out.message_id = str(message.get("Message-ID") or "").strip()[:500]
    out.subject = item_text.clean_title(decode_header(message.get("Subject")))
    try:
        out.sent_at = email.utils.parsedate_to_datetime(str(message.get("Date") or ""))
    except (TypeError, ValueError, IndexError):
        out.sent_at = None
    if out.sent_at is not None and out.sent_at.tzinfo is None:
        out.sent_at = None
    plain, html = "", ""
    for part in message.walk():
        if part.is_multipart():
            continue
        filename = part.get_filename()
        disposition = (part.get("Content-Disposition") or "").lower()
        if filename or disposition.startswith("attachment"):
            data = part.get_payload(decode=True)
            data = data if isinstance(data, bytes) else b""
            name = item_text.clean_title(decode_header(filename or "附件"))[:200] or "附件"
            out.attachments.append(Found(name=name, data=data))
            continue
        kind = part.get_content_type()
        if kind == "text/plain" and not plain:
            plain = _text_of(part)
        elif kind == "text/html" and not html:
            html = _text_of(part)
    out.body = item_text.clean_body(plain or html)
    out.body_from = "邮件正文" if out.body else ""
    for found in out.attachments:
        _check_attachment(found)
        if not found.ok:
            out.problems.append(found.reason)
    if trivial(out.body):
        docx = next((f for f in out.attachments if f.ok and f.docx_text), None)
        if docx is not None and docx.docx_text:
            out.body = docx.docx_text
            out.body_from = f"附件“{docx.name}”"
    if not out.subject and out.body:
        out.subject = item_text.clean_title(out.body.split("\n", 1)[0])[:60]
    out.subject = out.subject[: item_text.TITLE_MAX]
    if not out.body:
        out.problems.append("邮件没有正文，也没有可作正文的 DOCX 附件。")
    elif len(out.body) > item_text.BODY_MAX:
        out.problems.append(f"正文超过 {item_text.BODY_MAX} 个字，请改用附件或精简后重发。")
    return out


def kept_attachments(raw: bytes) -> list[Found]:
    """The attachments that pass the checks (re-read from the raw message when an item is made)."""
    return [f for f in parse(raw).attachments if f.ok]


__all__ = ["Found", "Parsed", "decode_bytes", "html_to_text", "kept_attachments", "parse"]
