"""Errors raised by service functions; pages and the API turn them into messages."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class ServiceError(ValidationError):
    """A business rule refused the operation; the message is for the user (Chinese)."""


class ConflictError(ServiceError):
    """The object changed since the user loaded it (a stale form or a concurrent edit)."""

    def __init__(self, message: str = "该记录已被他人修改，请刷新页面后重新操作。") -> None:
        super().__init__(message, code="conflict")


def error_text(exc: ValidationError) -> str:
    """All messages of a ValidationError as one Chinese sentence."""
    return "；".join(str(m) for m in exc.messages)
