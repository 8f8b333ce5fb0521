"""一事一通报: the circular of one confirmed finding, as a DOCX in the GB/T 9704 layout.

It reuses the page, styles and 版记 of ``publications.documents`` and the masthead and
table of ``scoring.circulars_documents``: the desk's name in red over its number line and
a red rule, the title "关于<单位><迟报/漏报/瞒报/谎报><事件>的通报" in 小标宋, the
addressees, the facts (occurred at, the limit, when the report came, the delay), the
finding and the chief's reason, the penalty posted, the requirements, a table of the
facts, the office and date. It names the incident, so only people who may see the
finding (``permissions_findings``) can download it.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from xinxi.publications import documents as layout
from xinxi.scoring import circulars_documents as circular_layout
from xinxi.scoring.models import ScoreEntry
from xinxi.urgent.models import Finding, FindingKind, FindingState, Severity

DOCX_TYPE = circular_layout.DOCX_TYPE
ADDRESSEES = "各信息报送单位："


def _when(moment: Any) -> str:
    local = timezone.localtime(moment)
    return f"{local.year}年{local.month}月{local.day}日{local.hour}时{local.minute:02d}分"


def _duration(minutes: int | None) -> str:
    if minutes is None:
        return "—"
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{hours}小时{rest}分钟"
    return f"{hours}小时" if hours else f"{rest}分钟"


def title(finding: Finding) -> str:
    return f"关于{finding.unit.name}{finding.get_kind_display()}{finding.incident.title}的通报"


def number_line(finding: Finding) -> str:
    year = timezone.localtime(finding.decided_at or finding.proposed_at).year
    return f"紧急信息通报〔{year}〕第{finding.pk}号"


def penalty_points(finding: Finding) -> Any:
    if finding.penalty_id is None:
        return None
    entry = ScoreEntry.objects.filter(penalty_id=finding.penalty_id).order_by("id").first()
    return entry.points if entry is not None else None


def points_by_penalty(ids: list[int]) -> dict[int, Any]:
    """The points each penalty posted (one query)."""
    if not ids:
        return {}
    rows = ScoreEntry.objects.filter(penalty_id__in=ids, reverses__isnull=True).values_list("penalty_id", "points")
    return dict(rows)


@dataclass(frozen=True)
class Facts:
    """What the circular says, also shown on the finding page."""

    rows: list[tuple[str, str]]
    paragraphs: list[str]


def facts(finding: Finding) -> Facts:
    incident, unit, desk = finding.incident, finding.unit, finding.desk
    kind = finding.get_kind_display()
    severity = Severity(incident.severity).label
    rows = [("事件", incident.title), ("发生时间", _when(incident.occurred_at)), ("发生地点", incident.place),
            ("事件分级", severity), ("责任单位", unit.name)]
    happened = (f"{_when(incident.occurred_at)}，{incident.place}发生{incident.title}"
                f"（{incident.subtype_label}，{severity}）。")
    paragraphs = [happened]
    deadline = finding.deadline
    if finding.kind == FindingKind.LATE and deadline is not None:
        channel = deadline.get_channel_display()
        limit = _duration(deadline.limit_minutes)
        rows += [("报告方式", channel), ("报告时限", f"事发后{limit}（{_when(deadline.due_at)}前）"),
                 ("实际报告时间", _when(deadline.met_at) if deadline.met_at else "未报告"),
                 ("迟报时长", _duration(finding.delay_minutes))]
        reported = (f"{unit.name}于{_when(deadline.met_at)}方才{channel}" if deadline.met_at
                    else f"截至{_when(finding.decided_at or timezone.now())}，{unit.name}仍未{channel}")
        paragraphs.append(
            f"按照紧急信息报告时限规定，该事件应于事发后{limit}内、即{_when(deadline.due_at)}前向{desk.name}"
            f"{channel}。{reported}，超过时限{_duration(finding.delay_minutes)}。"
        )
    else:
        paragraphs.append(f"经核查：{finding.evidence}")
    person = f"（责任人：{finding.person}）" if finding.person else ""
    verdict = f"经{desk.name}认定，{unit.name}{person}上述行为属紧急信息{kind}。"
    if finding.state == FindingState.CONFIRMED and finding.reason:
        verdict += finding.reason
    paragraphs.append(verdict)
    rows.append(("认定结果", f"{kind}（{finding.get_state_display()}）"))
    points = penalty_points(finding)
    if points is not None and finding.penalty is not None:
        text = f"扣{circular_layout._points(abs(points))}分"
        rows.append(("扣分", text))
        paragraphs.append(f"根据本科室信息工作计分办法，对{unit.name}{text}，记入{finding.penalty.on.year}年"
                          f"{finding.penalty.on.month}月信息工作考核。")
    paragraphs.append(
        f"请{unit.name}认真吸取教训，切实增强紧急信息报送的时效意识，严格落实突发事件信息报告制度，"
        "接报后第一时间电话报告、按时限书面报告，做到不迟报、不漏报、不瞒报、不谎报。"
        "各单位要引以为戒，举一反三，确保紧急信息报送及时、准确、完整。"
    )
    return Facts(rows, paragraphs)


def filename_stem(finding: Finding) -> str:
    return re.sub(r'[\\/:*?"<>|]', "", f"{number_line(finding)}{title(finding)}")[:120]


def ascii_filename(finding: Finding) -> str:
    return f"urgent-finding-{finding.pk}.docx"


def finding_docx(finding: Finding) -> bytes:
    office = layout._text(finding.desk.name or finding.desk.unit.name)
    day = layout.chinese_date(timezone.localtime(finding.decided_at or timezone.now()))
    about = facts(finding)
    doc = Document()
    layout._page_setup(doc)
    layout._styles(doc)
    layout._font_table(doc)
    layout._footers(doc)
    circular_layout._table_styles(doc)
    doc.core_properties.title = title(finding)
    doc.core_properties.author = office
    doc.core_properties.created = timezone.now()
    body = doc.element.body
    for p in list(body.iterchildren()):
        if p.tag.endswith("}p"):
            body.remove(p)
    circular_layout._masthead(doc, office, number_line(finding))
    head = layout._para(doc, "简报标题", align=WD_ALIGN_PARAGRAPH.CENTER, before_pt=layout.LINE_PITCH_PT)
    layout._run(head, layout._text(title(finding)), layout.XIAOBIAOSONG, layout.TITLE_PT, latin=layout.XIAOBIAOSONG)
    layout._run(layout._para(doc, before_pt=layout.LINE_PITCH_PT), ADDRESSEES, layout.FANGSONG)
    for text in about.paragraphs:
        p = layout._para(doc, indent=True)
        p.paragraph_format.widow_control = True
        layout._run(p, layout._text(text), layout.FANGSONG)
    circular_layout._caption(doc, "附表  基本情况")
    circular_layout._table(doc, ["事项", "情况"], [list(r) for r in about.rows], [40, 116])
    sign = layout._para(doc, align=WD_ALIGN_PARAGRAPH.RIGHT, before_pt=layout.LINE_PITCH_PT * 2)
    sign.paragraph_format.right_indent = Pt(4 * layout.CHAR_PITCH_PT)
    layout._run(sign, office, layout.FANGSONG)
    date = layout._para(doc, align=WD_ALIGN_PARAGRAPH.RIGHT)
    date.paragraph_format.right_indent = Pt(4 * layout.CHAR_PITCH_PT)
    layout._run(date, day, layout.FANGSONG)
    layout._banji(doc, layout.Sheet(
        name=office, name_pt=0, name_spacing_pt=0, number_line="", office=office, date_text=day, copy_no="",
        classification="", urgency="", editor_note=[], corrects="", blocks=[],
        distribution=[("发", "本科室信息网络各单位")], printer=office, copies_text=f"{day}印发", proof=False,
        filename_stem=filename_stem(finding),
    ))
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
