"""Cleaning and checking item text: what writers paste from Word/WPS, and writing hints."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from xinxi.lib.errors import ServiceError

TITLE_MAX = 200
BODY_MAX = 20_000

# Characters Word/WPS and web pages leave behind: zero-width marks, BOM, soft hyphen.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"), None)
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def clean_title(raw: str) -> str:
    text = unicodedata.normalize("NFC", raw or "").translate(_INVISIBLE)
    text = "".join(c for c in text if c.isprintable() or c == " ")
    return _SPACES.sub(" ", text).strip()


def clean_body(raw: str) -> str:
    """Normalise line ends, drop control and invisible characters, trim each line."""
    text = unicodedata.normalize("NFC", raw or "").replace("\r\n", "\n").replace("\r", "\n")
    text = text.translate(_INVISIBLE)
    text = "".join(c for c in text if c == "\n" or c.isprintable() or c == "\t")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def check_for_submission(title: str, body: str) -> None:
    """The hard rules an item must meet to leave its unit (drafts may break them)."""
    if not title:
        raise ServiceError("标题不能为空。")
    if not body:
        raise ServiceError("正文不能为空。")
    check_lengths(title, body)


def check_lengths(title: str, body: str) -> None:
    if len(title) > TITLE_MAX:
        raise ServiceError(f"标题不能超过 {TITLE_MAX} 个字（现有 {len(title)} 个字）。")
    if len(body) > BODY_MAX:
        raise ServiceError(f"正文不能超过 {BODY_MAX} 个字（现有 {len(body)} 个字），请精简或作为附件上传。")


@dataclass(frozen=True)
class Hint:
    level: str  # "ok" or "warn"
    text: str


_FIGURE = re.compile(r"[0-9０-９]|[一二三四五六七八九十百千万亿]+[个名人次件起家项元吨亩户%]")
_VAGUE_TITLES = ("情况", "工作", "有关", "一些", "相关", "若干")


def writing_hints(title: str, body: str) -> list[Hint]:
    """Non-blocking advice from the craft of 信息 writing (DOMAIN.md §3)."""
    hints: list[Hint] = []
    n_title, n_body = len(title), len(body)
    if not title:
        hints.append(Hint("warn", "还没有标题：标题决定领导是否往下读，请写出具体事实。"))
    elif n_title < 8:
        hints.append(Hint("warn", f"标题只有 {n_title} 个字，宜写明“谁、做了什么、结果如何”。"))
    elif n_title > 40:
        hints.append(Hint("warn", f"标题有 {n_title} 个字，偏长，宜精炼到 40 字以内。"))
    elif any(title.endswith(w) for w in _VAGUE_TITLES):
        hints.append(Hint("warn", "标题以“情况/工作”等泛称结尾，宜点明具体做法或结果。"))
    else:
        hints.append(Hint("ok", f"标题 {n_title} 个字。"))
    if n_body == 0:
        hints.append(Hint("warn", "正文为空。"))
    elif n_body < 150:
        hints.append(Hint("warn", f"正文 {n_body} 字，偏短；一条信息通常 200—300 字。"))
    elif n_body > 600:
        hints.append(Hint("warn", f"正文 {n_body} 字，偏长；一条信息通常 200—300 字，长篇宜按调研报告报送。"))
    else:
        hints.append(Hint("ok", f"正文 {n_body} 字。"))
    paragraphs = [p for p in body.split("\n") if p.strip()]
    if len(paragraphs) > 6:
        hints.append(Hint("warn", f"正文有 {len(paragraphs)} 段，请确认是“一事一报”，不要把几件事写在一起。"))
    if body and not _FIGURE.search(body):
        hints.append(Hint("warn", "正文没有数字：有数据支撑的信息更有说服力，请核实后写明。"))
    return hints
