"""The work a desk assigns: each area keeps its models in its own module, imported here."""
from xinxi.assignments.models.lists import ListState, RowKind, RowState, SentimentReport, SupervisionList, SupervisionRow  # noqa: F401,E501
