"""How a signed-in user is loaded for each request: with their unit and roles in one query.

Every page and API call asks the user's roles and unit (permissions, the unit's desk);
loading them with the user saves two queries per request.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from xinxi.accounts.models import User, with_roles


def load_user(*related: str, **lookup: Any) -> User:
    """The user matching ``lookup`` with unit and roles (raises ``User.DoesNotExist``)."""
    return with_roles(User._default_manager.select_related("unit", *related)).get(**lookup)


class XinxiBackend(ModelBackend):
    """Django's password backend; the session's user comes with unit and roles."""

    def get_user(self, user_id: Any) -> User | None:
        try:
            user = load_user(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class XinxiTokenAuthentication(TokenAuthentication):
    """``Authorization: Token …``: the token, its user, unit and roles in one query."""

    def authenticate_credentials(self, key: str) -> tuple[User, Any]:
        try:
            user = load_user("auth_token", auth_token__key=key)
        except User.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None  # DRF's wording
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, user.auth_token
