"""Downloading an issue as Word (DOCX) or PDF.

Thin views: the issue comes through ``permissions.get_issue`` (composers of the desk may
export drafts to proofread; readers only issued issues within their clearance; anything
else is a 404), the file from ``documents``. Every export of a classified (秘密 and above)
issue, and every refused one, leaves an audit record (``permissions.issue_for_reading``).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpResponse
from django.template import engines
from django.views.decorators.http import require_GET

from xinxi.audit.reads import audit_read, audit_refused
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


def export_what(fmt: str, copies: str | None) -> str:
    """What the audit record of an export names: the format and the copies (份号)."""
    return f"{fmt} 份号{copies[:20]}" if copies else fmt


def issue_for_export(
    user: Any, pk: Any, *, fmt: str, raw_copies: str | None, rows: QuerySet[Issue] | None = None, strict: bool = False
) -> tuple[Issue, documents.Copies | None]:
    """The issue and the copies to export, checked against its print run.

    The export of 秘密+ content is audited with the copies it holds; a refusal (not visible:
    a 404; copies missing or wrong: the ``ServiceError`` from ``parse_copies``) is audited as
    ``issue_export_refused``.
    """
    issue = permissions.issue_for_reading(user, pk, what=fmt, action="issue_export", rows=rows, record=False)
    try:
        copies = documents.parse_copies(issue, raw_copies, strict=strict)
    except ServiceError:
        what = export_what(fmt, raw_copies)
        audit_refused(user=user, obj=issue, level=issue.classification, action="issue_export", what=what)
        raise
    what = export_what(fmt, copies.label if copies is not None else None)
    audit_read(user=user, obj=issue, level=issue.classification, action="issue_export", what=what)
    return issue, copies


def _copy_refusal(request: AuthedRequest, pk: int, exc: ServiceError) -> HttpResponse:
    issue = permissions.get_issue(request.user, pk)
    page = engines["django"].from_string(COPY_REFUSAL_PAGE)
    context = {"message": error_text(exc), "issue": issue, "copy_value": request.GET.get(documents.COPY_PARAM, "")}
    return HttpResponse(page.render(context, request), status=400)


@login_required
@require_GET
def issue_export_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        issue, copies = issue_for_export(request.user, pk, fmt="docx", raw_copies=request.GET.get(documents.COPY_PARAM))
    except ServiceError as exc:
        return _copy_refusal(request, pk, exc)
    data = documents.issue_docx(issue, copies)
    return _download(issue, data, DOCX_TYPE, "docx", copies)


@login_required
@require_GET
def issue_export_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        issue, copies = issue_for_export(request.user, pk, fmt="pdf", raw_copies=request.GET.get(documents.COPY_PARAM))
    except ServiceError as exc:
        return _copy_refusal(request, pk, exc)
    try:
        data = documents.issue_pdf(issue, copies)
    except documents.FontsMissing as exc:
        page = engines["django"].from_string(REFUSAL_PAGE)
        docx_url = f"/publications/issues/{issue.pk}/export.docx"
        if copies is not None:
            docx_url += f"?{documents.COPY_PARAM}={copies.label}"
        context = {"message": exc.message, "issue": issue, "docx_url": docx_url}
        return HttpResponse(page.render(context, request), status=503)
    return _download(issue, data, PDF_TYPE, "pdf", copies)
