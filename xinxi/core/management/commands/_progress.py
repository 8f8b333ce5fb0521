"""Progress bars (tqdm) for the stages of a backup or restore."""

from __future__ import annotations

from typing import Any

from tqdm import tqdm

STAGES = {
    "database": ("数据库", "页"),
    "archive": ("打包文件", "B"),
    "check": ("核对校验和", "B"),
    "extract": ("解包并核对", "B"),
    "verify": ("恢复后校验", "B"),
}


class Bars:
    """``progress(stage, advance, total)`` drawing one tqdm bar per stage on stderr."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.bars: dict[str, Any] = {}

    def __call__(self, stage: str, advance: int, total: int | None) -> None:
        if not self.enabled:
            return
        bar = self.bars.get(stage)
        if bar is None:
            label, unit = STAGES.get(stage, (stage, ""))
            scale = unit == "B"
            for other in self.bars.values():
                other.close()
            bar = tqdm(total=total, desc=label, unit=unit if unit != "页" else " 页", unit_scale=scale,
                       unit_divisor=1024 if scale else 1000, leave=True)
            self.bars[stage] = bar
        if advance:
            bar.update(advance)

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()
