"""The form renderer: Django's own templates, with the commonest widgets written in Python.

Django renders every widget through its template language; a ``<select>`` includes one
template per option. On the desk inbox that was a quarter of the page (the filter form's
six selects and seven inputs). ``Renderer`` writes inputs, selects with their options and
textareas directly, producing exactly the markup of Django's templates
(``django/forms/widgets/input.html``, ``attrs.html``, ``select.html``,
``select_option.html``, ``textarea.html``; ``tests/test_form_renderer.py`` holds the two
equal, escaping included), and hands every other template to Django.
"""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape
from django.utils.safestring import SafeData, mark_safe

WIDGETS = "django/forms/widgets/"
INPUTS = frozenset(
    f"{WIDGETS}{name}.html"
    for name in (
        "input", "text", "date", "datetime", "time", "checkbox", "hidden", "number", "email",
        "password", "url", "search", "tel", "color", "file",
    )
)  # fmt: skip
SELECT, OPTION, TEXTAREA = f"{WIDGETS}select.html", f"{WIDGETS}select_option.html", f"{WIDGETS}textarea.html"


def _text(value: Any) -> str:
    """``{{ value|stringformat:'s' }}`` in an autoescaping template."""
    return str(value) if isinstance(value, SafeData) else str(conditional_escape(str(value)))


def _attrs(attrs: dict[str, Any]) -> str:
    """``attrs.html``: `` name="value"``, a bare `` name`` for True, nothing for False."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {_text(name)}" if value is True else f' {_text(name)}="{_text(value)}"')
    return "".join(parts)


def _input(widget: dict[str, Any]) -> str:
    value = "" if widget["value"] is None else f' value="{_text(widget["value"])}"'
    return f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}{_attrs(widget["attrs"])}>'


def _option(option: dict[str, Any]) -> str:
    return f'<option value="{_text(option["value"])}"{_attrs(option["attrs"])}>{_text(option["label"])}</option>'


class Renderer(DjangoTemplates):
    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        widget = context.get("widget")
        if widget is None:
            return super().render(template_name, context, request)
        if template_name in INPUTS:
            return _input(widget)
        if template_name == TEXTAREA:
            body = _text(widget["value"]) if widget["value"] else ""
            return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{body}</textarea>'
        if template_name == SELECT:
            return self._select(widget, context, request)
        if template_name == OPTION:
            return _option(widget)
        return super().render(template_name, context, request)

    def _select(self, widget: dict[str, Any], context: dict[str, Any], request: Any) -> str:
        parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{_text(group_name)}">')
            for option in options:
                if option["template_name"] == OPTION:
                    parts.append(f"\n  {_option(option)}\n")  # an included file keeps its last newline
                else:  # a widget of its own kind of option: its template, as Django would
                    parts.append("\n  " + super().render(option["template_name"], {**context, "widget": option}) + "\n")
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))  # noqa: S308 (every value above is escaped)
