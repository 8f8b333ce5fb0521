"""Forms of a reporting unit's item pages: the draft, sign-off returns."""

from __future__ import annotations

import re
import uuid
from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone

from xinxi.items import text
from xinxi.items.models import DRAFT_FIELDS, Category, Item, Tone
from xinxi.lib.choices import Classification, Urgency

# A form without its version was not loaded from this page: treat it as stale.
STALE_FORM = {"required": "表单已过期，请刷新页面后重新操作。", "invalid": "表单已过期，请刷新页面后重新操作。"}
TAG_SEPARATORS = re.compile(r"[,，、;；\s]+")
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


def split_tags(raw: str) -> list[str]:
    """Free tags as typed: separated by commas (either width), 、, semicolons or spaces."""
    return [t for t in TAG_SEPARATORS.split(raw or "") if t]


def new_key() -> str:
    """An idempotency key for one rendering of a submit form."""
    return uuid.uuid4().hex


class ItemForm(forms.Form):
    """The draft form; the services clean and check the text again."""

    title = forms.CharField(
        label="标题",
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "placeholder": "写明谁、做了什么、结果如何"}),
    )
    body = forms.CharField(
        label="正文",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 12, "placeholder": "一事一报，通常 200—300 字，数字须核实"}),
    )
    category = forms.ChoiceField(label="类别", choices=Category.choices, initial=Category.NEWS)
    tone = forms.ChoiceField(label="基调", choices=Tone.choices, initial=Tone.POSITIVE)
    classification = forms.TypedChoiceField(label="密级", coerce=int, choices=Classification.choices)
    urgency = forms.TypedChoiceField(label="紧急程度", coerce=int, choices=Urgency.choices, initial=Urgency.ROUTINE)
    writer_name = forms.CharField(label="执笔人", max_length=50, required=False)
    writer_phone = forms.CharField(label="执笔人电话", max_length=30, required=False)
    event_time = forms.DateTimeField(
        label="事件发生时间",
        required=False,
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        widget=forms.DateTimeInput(format=DATETIME_FORMAT, attrs={"type": "datetime-local"}),
    )
    major_event = forms.BooleanField(
        label="涉及重大事件", required=False, help_text="重大事件须经上级核实后才能采用或转报。"
    )
    tags = forms.CharField(
        label="标签",
        required=False,
        max_length=400,
        help_text="用逗号或顿号（、）分隔，例如：安全生产、冬季",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, error_messages=STALE_FORM)

    def __init__(self, *args: Any, user: Any, item: Item | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item = item
        field: Any = self.fields["classification"]
        field.choices = [(v, label) for v, label in Classification.choices if v <= user.clearance]
        # An existing draft is saved against the version the page was loaded with.
        self.fields["version"].required = item is not None
        hints = {
            "hx-post": reverse("item_hints"),
            "hx-trigger": "keyup changed delay:600ms",
            "hx-target": "#hints",
            "hx-include": "#id_title, #id_body",
            "hx-params": "title,body",
            "hx-sync": "closest form:replace",
        }
        self.fields["title"].widget.attrs.update(hints)
        self.fields["body"].widget.attrs.update(hints)

    def clean_title(self) -> str:
        value: str = self.cleaned_data["title"]
        n = len(text.clean_title(value))
        if n > text.TITLE_MAX:
            raise forms.ValidationError(f"标题不能超过 {text.TITLE_MAX} 个字（现有 {n} 个字）。")
        return value

    def clean_body(self) -> str:
        value: str = self.cleaned_data["body"]
        n = len(text.clean_body(value))
        if n > text.BODY_MAX:
            raise forms.ValidationError(f"正文不能超过 {text.BODY_MAX} 个字（现有 {n} 个字），请精简或作为附件上传。")
        return value

    def clean_tags(self) -> list[str]:
        names = split_tags(self.cleaned_data["tags"])
        if len(names) > 10:
            raise forms.ValidationError("标签最多 10 个。")
        return names

    def service_fields(self) -> dict[str, Any]:
        """The cleaned values as the services take them."""
        data = self.cleaned_data
        fields = {name: data[name] for name in DRAFT_FIELDS}
        fields["tags"] = data["tags"]
        return fields


def initial_for(item: Item | None, user: Any) -> dict[str, Any]:
    """What the form shows for an item (or for a new draft of this user)."""
    if item is None:
        return {
            "writer_name": user.full_name,
            "writer_phone": user.phone,
            "classification": Classification.PUBLIC,
        }
    initial: dict[str, Any] = {name: getattr(item, name) for name in DRAFT_FIELDS}
    if item.event_time is not None:
        initial["event_time"] = timezone.localtime(item.event_time)
    initial["tags"] = "、".join(t.name for t in item.tags.all())
    initial["version"] = item.version
    return initial


def unchanged(item: Item, fields: dict[str, Any]) -> bool:
    """True when saving ``fields`` would not change the stored draft (as the services clean it)."""
    cleaned = dict(fields)
    cleaned["title"] = text.clean_title(cleaned["title"])
    cleaned["body"] = text.clean_body(cleaned["body"])
    cleaned["writer_name"] = text.clean_title(cleaned["writer_name"])[:50]
    cleaned["writer_phone"] = text.clean_title(cleaned["writer_phone"])[:30]
    if any(getattr(item, name) != cleaned[name] for name in DRAFT_FIELDS):
        return False
    tags = [text.clean_title(t)[:30] for t in cleaned["tags"]]
    return sorted(set(filter(None, tags))) == sorted(t.name for t in item.tags.all())


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label="退回理由",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "例如：数字需核实、请补充整改时限"}),
        error_messages={"required": "退回须填写理由。"},
    )
