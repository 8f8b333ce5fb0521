"""The desk inbox's table rows, written in Python rather than in the template language.

Fifty rows through Django's templates cost more than all of the page's SQL (about 40
template nodes a row, each resolved through the context); the same markup from format
strings costs a tenth. Every value goes through ``escape`` (tests put HTML in the title,
the unit's name, the tags and the editor's name). The template ``items/desk_inbox.html``
keeps the table's head and the rest of the page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString

from xinxi.items.models import Category, EntrySource, EntryState, Tone
from xinxi.lib.choices import Classification, Urgency

if TYPE_CHECKING:
    from xinxi.items.desk_views import InboxRow

LABELS: dict[str, dict[Any, str]] = {
    name: {value: str(label) for value, label in choices.choices}
    for name, choices in [
        ("category", Category),
        ("tone", Tone),
        ("classification", Classification),
        ("urgency", Urgency),
        ("state", EntryState),
        ("source", EntrySource),
    ]
}


def entry_url_template() -> str:
    """The desk entry page's address with ``{}`` for the id: reversed once per page, not once per row."""
    return reverse("desk_entry", args=[0]).replace("/0/", "/{}/")


def short_time(moment: Any) -> str:
    """``m-d H:i`` in local time, as the template filter ``date:"m-d H:i"`` writes it."""
    return timezone.localtime(moment).strftime("%m-%d %H:%M")


def _label(name: str, value: Any) -> str:
    return escape(LABELS[name].get(value, value))


def _row(row: InboxRow, can_act: bool, columns: int, url: str) -> str:
    e = row.entry
    is_read = e.is_read  # type: ignore[attr-defined]  # annotated by filters.with_read_mark
    title, pk = escape(e.title), e.pk
    head = (
        f'<tr class="group-head"><td colspan="{columns}">疑似同一事件：以下 {row.group_size} 条内容相近'
        f"（第 {row.group} 组）</td></tr>\n"
        if row.group_first
        else ""
    )
    classes = ("" if is_read else "unread") + (" in-group" if row.group else "")
    pick = (
        f'<td class="pick"><input type="checkbox" name="ids" value="{pk}" form="bulk" aria-label="选择：{title}"></td>'
        if can_act
        else ""
    )
    marks = [
        '<span class="tag unread-mark">未读</span>' if not is_read else "",
        '<span class="tag new-mark">新</span>' if e.state == EntryState.NEW else "",
        f'<a href="{url.format(pk)}">{title}</a>',
        '<span class="tag off">重大事件</span>' if e.major_event else "",
        f'<span class="tag desk">{_label("source", e.source)}</span>' if e.source != EntrySource.DIRECT else "",
        *(f'<span class="tag desk entry-badge">{escape(b)}</span>' for b in row.badges),
        *(f'<span class="tag">{escape(t)}</span>' for t in row.tags),
    ]
    if row.group:
        score = "基准" if row.group_first else f"{round((row.score or 0) * 100)}%"
        marks.append(f'<span class="tag similar" title="与本组第一条的相似度">疑似同一事件 {score}</span>')
    received = short_time(e.received_at)
    return (
        f'{head}<tr class="{classes}" data-entry="{pk}">{pick}\n'
        f'<td class="title-cell">{" ".join(m for m in marks if m)}</td>\n'
        f'<td data-label="报送单位">{escape(e.origin_unit.name)}</td>\n'
        f'<td data-label="类别">{_label("category", e.category)}·{_label("tone", e.tone)}</td>\n'
        f'<td data-label="密级·紧急">{_label("classification", e.classification)}·{_label("urgency", e.urgency)}</td>\n'
        f'<td data-label="状态"><span class="desk-state ds-{escape(e.state)}">{_label("state", e.state)}</span></td>\n'
        f'<td data-label="收到时间">{received}</td>\n'
        f'<td data-label="责任编辑">{escape(e.assignee or "")}</td>\n</tr>\n'
    )


def rows_html(rows: list[InboxRow], can_act: bool) -> SafeString:
    """The ``<tr>`` of each row (and a group's heading row before its first member)."""
    url = entry_url_template()
    columns = 8 if can_act else 7
    return SafeString("".join(_row(row, can_act, columns, url) for row in rows))  # every value escaped above
