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
from xinxi.lib.compiled import Compiled

# Compiled once per process (``lib.compiled``): these run on every request.
_by_pk = Compiled(User, lambda pk: with_roles(User._default_manager.select_related("unit")).filter(pk=pk), warm=[(0,)])
_by_token = Compiled(
    User,
    lambda key: with_roles(User._default_manager.select_related("unit", "auth_token")).filter(auth_token__key=key),
    warm=[("",)],
)


def _one(found: list[User]) -> User:
    if not found:
        raise User.DoesNotExist
    return found[0]


class XinxiBackend(ModelBackend):
    """Django's password backend; the session's user comes with unit and roles."""

    def get_user(self, user_id: Any) -> User | None:
        try:
            user = _one(_by_pk(int(user_id)))
        except (User.DoesNotExist, TypeError, ValueError):
            return None
        return user if self.user_can_authenticate(user) else None


class XinxiTokenAuthentication(TokenAuthentication):
    """``Authorization: Token …``: the token, its user, unit and roles in one query."""

    def authenticate_credentials(self, key: str) -> tuple[User, Any]:
        try:
            user = _one(_by_token(key))
        except User.DoesNotExist:
            raise exceptions.AuthenticationFailed(_("Invalid token.")) from None  # DRF's wording
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        return user, user.auth_token
