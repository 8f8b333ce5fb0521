"""The work a desk assigns: each area keeps its models in its own module, imported here."""
from xinxi.assignments.models import priorities, research  # noqa: F401  (报送要点, 调研)
from xinxi.assignments.models.commissions import Commission, CommissionTarget, TargetStatus  # noqa: F401
from xinxi.assignments.models.lists import (  # noqa: F401
    ListState,
    RowKind,
    RowState,
    SentimentReport,
    SupervisionList,
    SupervisionRow,
)
from xinxi.assignments.models.remarks import Remark, RemarkRating, RemarkTag  # noqa: F401
from xinxi.assignments.models.sharing import Share, ShareRead, ShareRecipient  # noqa: F401
