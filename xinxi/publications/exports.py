"""Downloading an issue as Word (DOCX) or PDF.

Thin views: the issue comes through ``permissions.get_issue`` (composers of the desk may
export drafts to proofread; readers only issued issues within their clearance; anything
else is a 404), the file from ``documents``. Every export of a classified (秘密 and above)
issue leaves an audit record.
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template import engines
from django.views.decorators.http import require_GET

from xinxi.audit.services import audit_record
from xinxi.lib.choices import Classification
from xinxi.lib.errors import ServiceError, error_text
from xinxi.lib.http import AuthedRequest
from xinxi.publications import documents, permissions
from xinxi.publications.models import Issue

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_TYPE = "application/pdf"
REFUSAL_PAGE = """{% extends "base.html" %}
{% block title %}无法生成 PDF{% endblock %}
{% block content %}
<h1>无法生成 PDF</h1>
<div class="error-box" role="alert"><p>{{ message }}</p></div>
<p><a href="/publications/issues/{{ issue.pk }}/">返回本期</a>
 · <a href="{{ docx_url }}">下载 Word 版</a></p>
{% endblock %}
"""
COPY_REFUSAL_PAGE = """{% extends "base.html" %}
{% block title %}请注明份号{% endblock %}
{% block content %}
<h1>请注明份号</h1>
<div class="error-box" role="alert" id="copy-error"><p>{{ message }}</p></div>
{% include "publications/_export_form.html" %}
<p><a href="/publications/issues/{{ issue.pk }}/">返回本期</a></p>
{% endblock %}
"""


def content_disposition(issue: Issue, extension: str, copies: documents.Copies | None = None) -> str:
    """An ASCII fallback name for old clients and the Chinese name in RFC 5987 form."""
    stem = documents.filename_stem(issue, copies)
    fallback = f"{documents.ascii_filename(issue, copies)}.{extension}"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(f'{stem}.{extension}')}"


def _download(
    issue: Issue, data: bytes, content_type: str, extension: str, copies: documents.Copies | None = None
) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition(issue, extension, copies)
    response["Cache-Control"] = "private, no-store"
    return response


def export_detail(fmt: str, copies: documents.Copies | None) -> dict[str, str]:
    """What the audit record of an export says: the format and the copies (份号) it holds."""
    return {"format": fmt, "copies": copies.label} if copies is not None else {"format": fmt}


def _audit(request: AuthedRequest, issue: Issue, fmt: str, copies: documents.Copies | None) -> None:
    if issue.classification >= Classification.SECRET:
        audit_record(actor=request.user, action="issue_export", obj=issue, detail=export_detail(fmt, copies))


def _copy_refusal(request: AuthedRequest, issue: Issue, exc: ServiceError) -> HttpResponse:
    page = engines["django"].from_string(COPY_REFUSAL_PAGE)
    context = {"message": error_text(exc), "issue": issue, "copy_value": request.GET.get(documents.COPY_PARAM, "")}
    return HttpResponse(page.render(context, request), status=400)


@login_required
@require_GET
def issue_export_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    issue = permissions.get_issue(request.user, pk)
    try:
        copies = documents.parse_copies(issue, request.GET.get(documents.COPY_PARAM))
    except ServiceError as exc:
        return _copy_refusal(request, issue, exc)
    data = documents.issue_docx(issue, copies)
    _audit(request, issue, "docx", copies)
    return _download(issue, data, DOCX_TYPE, "docx", copies)


@login_required
@require_GET
def issue_export_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    issue = permissions.get_issue(request.user, pk)
    try:
        copies = documents.parse_copies(issue, request.GET.get(documents.COPY_PARAM))
    except ServiceError as exc:
        return _copy_refusal(request, issue, exc)
    try:
        data = documents.issue_pdf(issue, copies)
    except documents.FontsMissing as exc:
        page = engines["django"].from_string(REFUSAL_PAGE)
        docx_url = f"/publications/issues/{issue.pk}/export.docx"
        if copies is not None:
            docx_url += f"?{documents.COPY_PARAM}={copies.label}"
        context = {"message": exc.message, "issue": issue, "docx_url": docx_url}
        return HttpResponse(page.render(context, request), status=503)
    _audit(request, issue, "pdf", copies)
    return _download(issue, data, PDF_TYPE, "pdf", copies)
