"""The form renderer writes the same markup as Django's widget templates, escaping included."""

from __future__ import annotations

import datetime as dt

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

from xinxi.accounts.models import User
from xinxi.lib.form_renderer import Renderer

HOSTILE = '<b>"甲&乙"</b>\'丙'


class Everything(forms.Form):
    text = forms.CharField(max_length=20, initial=HOSTILE, help_text="提示")
    blank = forms.CharField(required=False, widget=forms.TextInput(attrs={"placeholder": "请输入<标题>"}))
    number = forms.IntegerField(min_value=0, initial=3)
    decimal = forms.DecimalField(initial="3.50")
    email = forms.EmailField(required=False)
    password = forms.CharField(widget=forms.PasswordInput(render_value=True), initial="秘密")
    hidden = forms.CharField(widget=forms.HiddenInput, initial="v&1")
    day = forms.DateField(initial=dt.date(2026, 12, 5), widget=forms.DateInput(attrs={"type": "date"}))
    moment = forms.DateTimeField(required=False)
    checked = forms.BooleanField(initial=True, required=False)
    unchecked = forms.BooleanField(required=False, widget=forms.CheckboxInput(attrs={"disabled": True}))
    body = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), initial=HOSTILE + "\n第二行")
    empty_body = forms.CharField(widget=forms.Textarea, required=False)
    choice = forms.ChoiceField(choices=[("", "全部"), ("a", HOSTILE), ("b", mark_safe("<i>安全</i>"))], initial="a")
    grouped = forms.ChoiceField(
        choices=[("", "—"), ("市级", [("1", "一"), ("2", "二")]), ("县级", [("3", "三<")])], initial="2"
    )
    numbers = forms.TypedChoiceField(choices=[(1, "一"), (2, "二")], coerce=int, initial=2)
    many = forms.MultipleChoiceField(choices=[("x", "甲"), ("y", "乙"), ("z", "丙")], initial=["x", "z"])
    radio = forms.ChoiceField(choices=[("x", "甲"), ("y", "乙")], widget=forms.RadioSelect, initial="y")
    boxes = forms.MultipleChoiceField(
        choices=[("x", "甲"), ("y", "乙")], widget=forms.CheckboxSelectMultiple, required=False
    )
    upload = forms.FileField(required=False)
    split = forms.SplitDateTimeField(required=False)


def both(form_class: type[forms.Form], **kwargs: object) -> tuple[list[str], list[str]]:
    fast, django = (form_class(renderer=r, **kwargs) for r in (Renderer(), DjangoTemplates()))  # type: ignore[arg-type]
    return [str(f) for f in fast], [str(f) for f in django]


def test_unbound_widgets_match_django() -> None:
    fast, django = both(Everything)
    assert fast == django
    assert "&lt;b&gt;&quot;甲&amp;乙&quot;&lt;/b&gt;&#x27;丙" in "".join(fast)  # escaped, not raw


def test_bound_widgets_with_hostile_values_match_django() -> None:
    data = dict.fromkeys(Everything.base_fields, HOSTILE) | {
        "grouped": "3", "many": ["y", "<x>"], "checked": "on", "numbers": "1", "day": "2026-02-30",
    }  # fmt: skip
    fast, django = both(Everything, data=data)
    assert fast == django
    assert "<b>" not in "".join(fast)


def test_whole_form_and_errors_match_django() -> None:
    fast = Everything(data={"text": ""}, renderer=Renderer())
    django = Everything(data={"text": ""}, renderer=DjangoTemplates())
    assert str(fast) == str(django)
    assert fast.as_p() == django.as_p()


@pytest.mark.django_db
def test_model_choices_match_django() -> None:
    User.objects.create(username="r1", full_name="<张三>")

    class Pick(forms.Form):
        who = forms.ModelChoiceField(queryset=User.objects.all(), empty_label="全部")
        several = forms.ModelMultipleChoiceField(queryset=User.objects.all(), required=False)

    fast, django = both(Pick)
    assert fast == django
    assert "&lt;张三&gt;" in "".join(fast)


def test_settings_use_the_renderer() -> None:
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), Renderer)
