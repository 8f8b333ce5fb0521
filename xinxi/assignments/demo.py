"""Demo data of the work the desk assigns: each area keeps its loader in ``demo_<area>.py``, re-exported here."""

from xinxi.assignments.demo_commissions import load_commissions

__all__ = ["load_commissions"]
