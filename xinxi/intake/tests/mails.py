"""Raw RFC 822 messages for the intake tests (built with the standard library)."""

from __future__ import annotations

import io
from email.header import Header
from email.message import EmailMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import make_msgid


def docx_bytes(*paragraphs: str) -> bytes:
    from docx import Document

    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def mail(
    sender: str = "reporter@county.example", subject: str = "东城县开展冬季安全生产大检查",
    body: str = "12月1日，东城县组织开展冬季安全生产大检查，共检查企业56家，发现隐患23处，已全部督促整改。",
    attachments: list[tuple[str, bytes, str]] | None = None, message_id: str | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"张信息 <{sender}>"
    msg["To"] = "citydesk@city.example"
    msg["Subject"] = subject
    msg["Date"] = "Tue, 01 Dec 2026 09:30:00 +0800"
    msg["Message-ID"] = message_id or make_msgid(domain="county.example")
    msg.set_content(body)
    for name, data, kind in attachments or []:
        maintype, subtype = kind.split("/", 1)
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return bytes(msg)


def gbk_mail(sender: str, subject: str, body: str) -> bytes:
    """What an older Chinese mail client sends: GBK body, RFC 2047 GBK subject, base64."""
    msg = MIMEMultipart()
    msg["From"] = f"{Header('张信息', 'gbk').encode()} <{sender}>"
    msg["To"] = "citydesk@city.example"
    msg["Subject"] = Header(subject, "gbk")
    msg["Message-ID"] = make_msgid(domain="county.example")
    msg.attach(MIMEText(body, "plain", "gbk"))
    return msg.as_bytes()


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
