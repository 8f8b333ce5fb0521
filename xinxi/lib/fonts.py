"""The Chinese (CJK) fonts this machine has: one place for the PDF export and the chart images.

``find_cjk_font()`` asks fontconfig (``fc-list :lang=zh``) for a font file that covers
Chinese and, without fontconfig's tools, looks at the well-known paths of Debian's
fonts-noto-cjk, WenQuanYi, AR PL, and Windows' / macOS' own fonts. It prefers a sans face
(Noto Sans CJK SC, Source Han Sans, WenQuanYi, 微软雅黑, 黑体) over a serif one (Noto Serif
CJK, 宋体), the simplified-Chinese face of a collection (``.ttc``) over the others, and the
regular weight (or bold when asked).

A font found is remembered for the process; "none" is asked again next time, so installing
the fonts needs no restart. ``require_cjk_font()`` raises ``CJKFontMissing`` (a
``ServiceError`` with a Chinese message telling the administrator what to install) instead
of letting a caller draw empty boxes.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from xinxi.lib.errors import ServiceError

INSTALL_HINT = "请系统管理员安装中文字体（Debian/Ubuntu：apt-get install fonts-noto-cjk）后重试"

# Where the usual Chinese fonts live when fontconfig's tools are not there (Debian first).
WELL_KNOWN_CJK_FILES: tuple[Path, ...] = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc"),
    Path("/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc"),  # Fedora
    Path("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"),  # Arch
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
    Path("C:/Windows/Fonts/msyh.ttc"),
    Path("C:/Windows/Fonts/simhei.ttf"),
    Path("C:/Windows/Fonts/simsun.ttc"),
    Path("/System/Library/Fonts/PingFang.ttc"),
    Path("/System/Library/Fonts/STHeiti Medium.ttc"),
)

# Family words in order of preference (earlier is better); a sans face reads best in charts.
_FAMILY_PREFERENCE = (
    "noto sans cjk",
    "source han sans",
    "wenquanyi micro hei",
    "wenquanyi zen hei",
    "microsoft yahei",
    "pingfang",
    "simhei",
    "heiti",
    "noto serif cjk",
    "source han serif",
    "simsun",
    "ar pl",
)


class CJKFontMissing(ServiceError):
    """No Chinese font on this machine: text would be drawn as empty boxes."""

    def __init__(self, what: str = "生成图片") -> None:
        super().__init__(
            f"服务器上没有安装中文字体，无法{what}（否则文字会显示为空白方框）。{INSTALL_HINT}。",
            code="fonts_missing",
        )


@dataclass(frozen=True)
class FontFile:
    """A font file and, for a collection (.ttc), the index of the face to use."""

    path: Path
    index: int = 0
    family: str = ""
    style: str = ""


def _run_fc_list(pattern: str = ":lang=zh") -> str:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return ""
    try:
        return subprocess.run(  # noqa: S603 (fixed arguments, full path)
            [fc_list, pattern, "--format=%{file}|%{index}|%{family[0]}|%{style[0]}\\n"],
            capture_output=True,
            text=True,
            timeout=20,
            check=False,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


def fontconfig_cjk_fonts() -> list[FontFile]:
    """Every face fontconfig says covers Chinese (empty without fontconfig's tools)."""
    found: list[FontFile] = []
    for line in _run_fc_list().splitlines():
        parts = line.split("|")
        if len(parts) != 4 or not parts[0]:
            continue
        try:
            index = int(parts[1] or 0)
        except ValueError:
            index = 0
        found.append(FontFile(Path(parts[0]), index, parts[2], parts[3]))
    return found


def _score(font: FontFile, bold: bool) -> tuple[int, int, int, int]:
    """Lower is better: family preference, not monospaced, simplified Chinese, weight."""
    family = font.family.lower() or font.path.stem.lower()
    rank = next((i for i, word in enumerate(_FAMILY_PREFERENCE) if word in family), len(_FAMILY_PREFERENCE))
    mono = 1 if "mono" in family else 0
    simplified = 0 if (" sc" in f"{family} " or family.endswith("sc") or " cn" in family) else 1
    style = font.style.lower()
    weight_ok = ("bold" in style) == bold
    return rank, mono, simplified, 0 if weight_ok else (1 if "regular" in style or not style else 2)


def _best(fonts: Iterable[FontFile], bold: bool) -> FontFile | None:
    candidates = [f for f in fonts if f.path.exists()]
    if not candidates:
        return None
    return min(candidates, key=lambda f: _score(f, bold))


def _simplified_face(path: Path) -> FontFile:
    """The simplified-Chinese face of a collection found without fontconfig (index 0 otherwise)."""
    try:
        from PIL import ImageFont
    except ImportError:  # pragma: no cover - Pillow is a dependency
        return FontFile(path)
    first: FontFile | None = None
    for index in range(12):
        try:
            family, style = ImageFont.truetype(str(path), 12, index=index).getname()
        except OSError:
            break
        face = FontFile(path, index, family or "", style or "")
        first = first or face
        if (family or "").endswith(" SC") and "Mono" not in (family or ""):
            return face
    return first or FontFile(path)


def _probe(bold: bool, known_files: Iterable[Path]) -> FontFile | None:
    best = _best(fontconfig_cjk_fonts(), bold)
    if best is not None:
        return best
    files = [p for p in known_files if p.exists()]
    if not files:
        return None
    wanted = [p for p in files if ("Bold" in p.name) == bold] or files
    return _simplified_face(wanted[0])


_cache: dict[bool, FontFile] = {}


def find_cjk_font(bold: bool = False, known_files: Iterable[Path] | None = None) -> FontFile | None:
    """The best Chinese font face on this machine, or None. A face found is cached for the process."""
    if known_files is not None:  # a caller's own list (tests, the PDF check): never cached
        return _probe(bold, known_files)
    if bold not in _cache:
        found = _probe(bold, WELL_KNOWN_CJK_FILES)
        if found is None:
            return None
        _cache[bold] = found
    return _cache[bold]


def cjk_font_available(known_files: Iterable[Path] | None = None) -> bool:
    """True when fontconfig knows a Chinese font or one of the well-known files is there."""
    return find_cjk_font(known_files=known_files) is not None


def require_cjk_font(bold: bool = False, what: str = "生成图片") -> FontFile:
    """The font to draw Chinese with; ``CJKFontMissing`` when the machine has none."""
    font = find_cjk_font(bold)
    if font is None:
        raise CJKFontMissing(what)
    return font


def clear_cache() -> None:
    """Forget the fonts found (tests; after installing fonts in a running process it is not needed)."""
    _cache.clear()
