"""Downloading an issue as Word (DOCX) or PDF.

Thin views: the issue comes through ``permissions.get_issue`` (composers of the desk may
export drafts to proofread; readers only issued issues within their clearance; anything
else is a 404), the file from ``documents``. Every export of a classified (秘密 and above)
issue, and every refused one, leaves an audit record (``permissions.issue_for_reading``).
"""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template import engines
from django.views.decorators.http import require_GET

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
 · <a href="/publications/issues/{{ issue.pk }}/export.docx">下载 Word 版</a></p>
{% endblock %}
"""


def content_disposition(stem: str, extension: str, issue: Issue) -> str:
    """An ASCII fallback name for old clients and the Chinese name in RFC 5987 form."""
    fallback = f"issue-{issue.pk}.{extension}"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(f'{stem}.{extension}')}"


def _download(issue: Issue, data: bytes, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition(documents.filename_stem(issue), extension, issue)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def issue_export_docx(request: AuthedRequest, pk: int) -> HttpResponse:
    issue = permissions.issue_for_reading(request.user, pk, what="docx", action="issue_export")
    data = documents.issue_docx(issue)
    return _download(issue, data, DOCX_TYPE, "docx")


@login_required
@require_GET
def issue_export_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    issue = permissions.issue_for_reading(request.user, pk, what="pdf", action="issue_export")
    try:
        data = documents.issue_pdf(issue)
    except documents.FontsMissing as exc:
        page = engines["django"].from_string(REFUSAL_PAGE)
        return HttpResponse(page.render({"message": exc.message, "issue": issue}, request), status=503)
    return _download(issue, data, PDF_TYPE, "pdf")
