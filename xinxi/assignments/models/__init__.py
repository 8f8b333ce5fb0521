"""The work a desk assigns: each area keeps its models in its own module, imported here."""
from xinxi.assignments.models import priorities, research  # noqa: F401  (报送要点, 调研)
