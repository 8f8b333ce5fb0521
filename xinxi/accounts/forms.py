from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from xinxi.accounts.models import Role, User
from xinxi.accounts.services import login_check
from xinxi.lib.choices import Classification
from xinxi.lib.errors import ServiceError


class LoginForm(AuthenticationForm):
    """Django's login form, with lock-out and Chinese messages."""

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        password = self.cleaned_data.get("password") or ""
        if username and password:
            try:
                self.user_cache = login_check(request=self.request, username=username, password=password)
            except ServiceError as exc:
                raise forms.ValidationError(exc.messages[0], code=exc.code) from None
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class UserForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    full_name = forms.CharField(label="姓名", max_length=50)
    unit: forms.ModelChoiceField[Any] = forms.ModelChoiceField(label="所属单位", queryset=None, required=False)
    roles = forms.MultipleChoiceField(label="角色", choices=Role.choices, widget=forms.CheckboxSelectMultiple)
    clearance = forms.TypedChoiceField(label="涉密等级", choices=Classification.choices, coerce=int)
    phone = forms.CharField(label="联系电话", max_length=30, required=False)
    is_active = forms.BooleanField(label="启用", required=False, initial=True)
    password = forms.CharField(
        label="初始密码",
        widget=forms.PasswordInput(render_value=False),
        required=False,
        help_text="至少 10 位，含小写字母、大写字母、数字、特殊符号中的至少 3 类。",
    )

    def __init__(self, *args: Any, units: Any, roles: list[str], editing: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]
        roles_field: Any = self.fields["roles"]
        roles_field.choices = [(c, label) for c, label in Role.choices if c in roles]
        if editing is not None:
            self.fields["username"].disabled = True
            del self.fields["password"]
        else:
            self.fields["password"].required = True
            del self.fields["is_active"]


class PasswordForm(forms.Form):
    password = forms.CharField(label="新密码", widget=forms.PasswordInput)
    password2 = forms.CharField(label="再次输入新密码", widget=forms.PasswordInput)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") != data.get("password2"):
            raise forms.ValidationError("两次输入的密码不一致。")
        return data
