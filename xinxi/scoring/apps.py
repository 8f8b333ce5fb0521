from django.apps import AppConfig


class ScoringConfig(AppConfig):
    name = "xinxi.scoring"
    verbose_name = "计分与排名"

    def ready(self) -> None:
        from xinxi.instructions.hooks import INSTRUCTION_RECORDED
        from xinxi.items.hooks import ADOPTION_RECORDED, ADOPTION_WITHDRAWN, ENTRY_FORWARDED
        from xinxi.scoring import posting

        ADOPTION_RECORDED.connect(posting.on_adoption_recorded)
        ADOPTION_WITHDRAWN.connect(posting.on_adoption_withdrawn)
        ENTRY_FORWARDED.connect(posting.on_entry_forwarded)
        INSTRUCTION_RECORDED.connect(posting.on_instruction_recorded)
