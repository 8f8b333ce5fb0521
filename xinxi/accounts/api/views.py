"""API views of accounts: logging in for a token, logging out, and who am I.

The token exchange authenticates through ``accounts.services.login_check``, so the
API locks accounts out and audits failures exactly like the login page.
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from xinxi.accounts import services
from xinxi.accounts.api.serializers import MeSerializer, TokenRequestSerializer, TokenSerializer
from xinxi.lib.api_views import ErrorSerializer, acting_user, documented
from xinxi.lib.errors import ServiceError, error_text


class TokenView(APIView):
    """POST exchanges a username and password for a token; DELETE revokes the caller's token."""

    permission_classes = [AllowAny]  # DELETE asks for a login through acting_user()

    @extend_schema(
        summary="用用户名和密码换取令牌",
        description="连续输错密码达到上限会锁定账号；失败均记入审计日志。令牌用法：Authorization: Token <token>。",
        request=TokenRequestSerializer,
        responses={
            **documented({200: TokenSerializer}, 400),
            401: OpenApiResponse(ErrorSerializer, "用户名或密码不正确，或账号已被锁定。"),
        },
        auth=[],
    )
    def post(self, request: Request) -> Response:
        form = TokenRequestSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            user = services.login_check(
                request=request._request, username=form.validated_data["username"],
                password=form.validated_data["password"],
            )
        except ServiceError as exc:  # credentials refused: 401, as for a bad token
            return Response({"detail": error_text(exc)}, status=status.HTTP_401_UNAUTHORIZED,
                            headers={"WWW-Authenticate": "Token"})
        token, _ = Token.objects.get_or_create(user=user)
        # The same signal as a page login: the audit record and last_login.
        user_logged_in.send(sender=type(user), request=request._request, user=user)
        return Response(TokenSerializer({"token": token.key}).data)

    @extend_schema(summary="注销令牌", description="删除当前用户的令牌，之后须重新登录换取。", request=None,
                   responses=documented({204: None}))
    def delete(self, request: Request) -> Response:
        Token.objects.filter(user=acting_user(request)).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    @extend_schema(summary="当前用户", responses=documented({200: MeSerializer}))
    def get(self, request: Request) -> Response:
        return Response(MeSerializer(acting_user(request)).data)
