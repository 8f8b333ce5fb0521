"""Choices shared by several apps."""

from django.db import models


class Classification(models.IntegerChoices):
    """密级. Ordered: a user cleared for a level sees that level and below."""

    PUBLIC = 0, "公开"
    INTERNAL = 1, "内部"
    SECRET = 2, "秘密"
    CONFIDENTIAL = 3, "机密"


class Urgency(models.IntegerChoices):
    """紧急程度."""

    ROUTINE = 0, "平急"
    URGENT = 1, "加急"
    EXTRA = 2, "特急"
