"""The work a desk assigns: each area keeps its models in its own module, imported here."""
