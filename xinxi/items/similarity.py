"""Near-duplicate detection: entries about the same event sent by several units.

Two units rarely report one event in the same words, so titles are not compared.
Each entry's text (title, and the head of the body) becomes a sparse vector of jieba
tokens in search mode (安全隐患 also yields 安全 and 隐患), each weighted by how much
sharing it says about the event:

- words: jieba's inverse document frequency (rare words weigh more); stop words and
  the vocabulary of every government report (召开, 部署, 工作, 全市…), punctuation and
  single characters are dropped;
- figures: numbers of two or more digits, decimals and percentages (63, 126, 86.5,
  12.5%) weigh as much as the rarest words; single digits little;
- dates and times (8日, 15时) a moderate weight: one event shares them, but so does
  every report of the same day.

The figure shown to the editor starts from the cosine of the two vectors, then
weighs the facts through its exponent: figures the two share raise it (toward the
square root of the cosine when many agree), figures that all disagree lower it (two
counties' reports of the same kind of inspection differ in their counts). Texts
without figures are judged on their words alone. The result is in [0, 1]: 1.0 for
the same text, about 0.55–0.9 for one event told in different words, below 0.4 for
other events on the same topic (see ``tests/test_similarity.py``).

Pure functions over the entries given: no query, no write, no visibility decision
(callers pass entries the user may already see). Signatures are cached per text and
the figures per pair of signatures, so an inbox page of 50 entries costs about a
millisecond once warm. Deterministic:
no Python ``hash()`` is involved in any figure (sums are exact with ``math.fsum``),
figures are rounded, and ties keep the order the caller gave.
"""

from __future__ import annotations

import math
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import jieba
import jieba.analyse

if TYPE_CHECKING:
    from xinxi.items.models import DeskEntry

# Only the head of a long body is read: a 信息 states its facts first, and a
# 20,000-character research report must not cost more than a short item.
BODY_CHARS = 800
TITLE_REPEAT = 2  # the title names the event: its tokens count twice
STRONG_FIGURE = 12.0  # 63, 126, 86.5, 12.5%: about jieba's idf of a rare word
WEAK_FIGURE = 2.0  # 3, 5: small counts anyone may write
DATE_WEIGHT = 4.0  # 8日, 15时
FACT_PULL = 0.5  # how far shared (or conflicting) figures move the exponent of the cosine
ROUND = 3  # decimals of the similarity figure
CACHE_SIZE = 4096  # about 4.5 kB each: some 20 MB per process at most

_NUMBER = re.compile(r"^\d+(?:\.\d+)?%?$")
_WORD = re.compile(r"\w")
_DATE_UNITS = frozenset("年月日时点分秒号")

# Words every report uses: they say nothing about which event it tells.
_STOP_TEXT = """
    的 了 和 与 及 等 对 在 将 把 被 由 为 以 从 向 于 并 也 又 都 已 已经 正在 目前 截至 以来 其中 其余 其他
    我们 他们 这个 那个 这些 那些 有关 相关 一些 若干 各类 各种 各项 各级 全部 一是 二是 三是 四是 五是
    一方面 另一方面 同时 此外 另外 然后 通过 按照 根据 围绕 坚持 进一步 认真 切实 积极 不断 全面 深入 扎实
    有效 有力 大力 着力 努力 持续 及时 主要 重要 重点 情况 工作 问题 方面 活动 召开 会议 部署 开展 推进
    推动 加强 加快 落实 组织 实施 要求 提出 强调 指出 表示 进行 做好 抓好 确保 实现 报告 报送 通报 反映
    信息 据悉 据了解 近日 日前 今年 去年 本月 上月 今天 昨天 当天 累计 共计 合计 总计 共有 完成 取得 发现
    发生 出现 造成 形成 达到 提高 增加 减少 下降 增长 同比 环比 全市 全县 全区 全省 全镇 全乡 单位 部门
    群众 干部 领导 同志 人员 市委 县委 区委 省委 政府 人民政府 办公室 办公厅 办公 公室 信息科 信息处
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())


@dataclass(frozen=True, eq=False)
class Signature:
    """A text's token weights, their Euclidean norm, and its strong figures."""

    weights: dict[str, float]
    norm: float
    figures: frozenset[str]


def _tokens(text: str) -> list[str]:
    """jieba's search-mode tokens; full-width digits and letters made half-width first."""
    return jieba.lcut_for_search(unicodedata.normalize("NFKC", text))


def _figure(token: str, following: str) -> tuple[str, float]:
    """A number as a feature: its token and its weight (see the module's docstring)."""
    unit = following[:1]
    if unit in _DATE_UNITS:
        return token + unit, DATE_WEIGHT
    number = token.rstrip("%")
    if "." in number or token.endswith("%") or len(number) > 1:
        return number, STRONG_FIGURE
    return number, WEAK_FIGURE


def _word_weight(token: str, idf: dict[str, float], default_idf: float) -> float:
    if len(token) < 2 or token in STOP_WORDS or not _WORD.search(token):
        return 0.0
    return idf.get(token, default_idf)


@lru_cache(maxsize=CACHE_SIZE)
def signature(title: str, body: str) -> Signature:
    """The signature of one text; cached, since an inbox shows the same entries again and again."""
    idf: dict[str, float] = jieba.analyse.default_tfidf.idf_freq
    default_idf: float = jieba.analyse.default_tfidf.median_idf  # jieba's own choice for unknown words
    counts: dict[str, int] = defaultdict(int)
    base: dict[str, float] = {}
    figures: set[str] = set()
    for text, repeat in ((title, TITLE_REPEAT), (body[:BODY_CHARS], 1)):
        tokens = _tokens(text)
        for position, token in enumerate(tokens):
            if _NUMBER.match(token):
                following = tokens[position + 1] if position + 1 < len(tokens) else ""
                token, weight = _figure(token, following)
                if weight == STRONG_FIGURE:
                    figures.add(token)
            else:
                weight = _word_weight(token, idf, default_idf)
                if not weight:
                    continue
            base[token] = weight
            counts[token] += repeat
    weights = {sys.intern(t): base[t] * (1.0 + math.log(counts[t])) for t in sorted(counts)}
    norm = math.sqrt(math.fsum(w * w for w in weights.values()))
    return Signature(weights, norm, frozenset(figures))


def entry_signature(entry: DeskEntry) -> Signature:
    return text_signature(entry.title, entry.body)


def text_signature(title: str | None, body: str | None) -> Signature:
    """The signature of a title and body (only the body's head is read, and is the cache key)."""
    return signature(title or "", (body or "")[:BODY_CHARS])


def _cosine(a: Signature, b: Signature) -> float:
    if not a.norm or not b.norm:
        return 0.0
    wa, wb = a.weights, b.weights
    dot = math.fsum([wa[t] * wb[t] for t in wa.keys() & wb.keys()])  # exact: the set's order does not matter
    return min(1.0, dot / (a.norm * b.norm))


def _fact_agreement(a: Signature, b: Signature) -> float:
    """From -1 (every figure differs) through 0 (nothing to compare) to nearly 1 (all shared).

    Scaled by how many figures the shorter report has: one shared or conflicting
    figure is weak evidence, five are strong.
    """
    fewer = min(len(a.figures), len(b.figures))
    if not fewer:
        return 0.0
    shared = len(a.figures & b.figures)
    return (shared if shared else -fewer) / (fewer + 1)


def text_similarity(a: Signature, b: Signature) -> float:
    """The similarity figure of two signatures, in [0, 1], rounded to three decimals."""
    cosine = _cosine(a, b)
    if cosine <= 0.0:
        return 0.0
    return round(cosine ** (1.0 - FACT_PULL * _fact_agreement(a, b)), ROUND)


# The figures of pairs already compared, keyed by the two signatures (compared by
# identity, and kept alive by the key, so a key never stands for another text): an inbox
# page compares its 50 entries pairwise (1,225 pairs) on every render.
PAIR_CACHE_SIZE = 50_000
_pairs: dict[tuple[Signature, Signature], float] = {}


def pair_similarity(a: Signature, b: Signature) -> float:
    """``text_similarity``, remembered for the pair (emptied when it holds too many)."""
    score = _pairs.get((a, b))
    if score is None:
        score = text_similarity(a, b)
        if len(_pairs) >= PAIR_CACHE_SIZE:
            _pairs.clear()
        _pairs[(a, b)] = score
    return score


def similarity(a: DeskEntry, b: DeskEntry) -> float:
    """How alike two entries' texts are, in [0, 1] (what the inbox shows next to a group)."""
    return text_similarity(entry_signature(a), entry_signature(b))


def _same(a: DeskEntry, b: DeskEntry) -> bool:
    return a is b or (a.pk is not None and a.pk == b.pk)


def similar_entries(
    entry: DeskEntry, candidates: Iterable[DeskEntry], threshold: float = 0.5
) -> list[tuple[DeskEntry, float]]:
    """The candidates at least ``threshold`` similar to ``entry``, best first (ties keep their order).

    ``entry`` itself (the same object or primary key) is never among the results.
    """
    others = [c for c in candidates if not _same(entry, c)]
    rows = ((position, c.title, c.body) for position, c in enumerate(others))
    return [(others[position], score) for position, score in similar_texts(entry, rows, threshold)]


def similar_texts(
    entry: DeskEntry, rows: Iterable[tuple[int, str | None, str | None]], threshold: float = 0.5
) -> list[tuple[int, float]]:
    """``similar_entries`` over (key, title, body) rows, such as a query's values with the
    body's head only (what a page reads for a thousand candidates): (key, figure), best
    first, ties in the order given."""
    others = ((key, text_signature(title, body)) for key, title, body in rows)
    return rank_similar(entry_signature(entry), others, threshold)


def rank_similar(
    own: Signature, others: Iterable[tuple[int, Signature]], threshold: float = 0.5
) -> list[tuple[int, float]]:
    """(key, figure) of the signatures at least ``threshold`` similar to ``own``, best first,
    ties in the order given."""
    found: list[tuple[float, int, int]] = []
    for position, (key, other) in enumerate(others):
        score = pair_similarity(own, other)
        if score >= threshold:
            found.append((-score, position, key))
    found.sort(key=lambda row: (row[0], row[1]))
    return [(key, -negative) for negative, _, key in found]


def group_similar(
    entries: Sequence[DeskEntry],
    threshold: float = 0.5,
    signatures: Sequence[Signature] | None = None,
) -> list[list[tuple[DeskEntry, float]]]:
    """Groups of two or more entries about one event, in the order of their first entries.

    A group starts with the earliest entry (in the order given) not yet in a group,
    paired with 1.0, followed by every later ungrouped entry at least ``threshold``
    similar to it, best first, each with its similarity to that first entry. An
    entry belongs to one group at most, so a chain A≈B≈C where A and C differ does
    not put A and C together. Entries alone stay out of the result.

    ``signatures``: the entries' signatures in the same order, when the caller has them
    (the inbox takes them from ``signature_store``, which the warm-up fills); otherwise
    they are computed here.
    """
    if signatures is not None and len(signatures) != len(entries):
        raise ValueError("signatures must match entries one to one")
    unique: list[DeskEntry] = []
    unique_signatures: list[Signature] = []
    seen: set[object] = set()
    for position, entry in enumerate(entries):
        key = ("pk", entry.pk) if entry.pk is not None else ("object", id(entry))
        if key not in seen:
            seen.add(key)
            unique.append(entry)
            unique_signatures.append(entry_signature(entry) if signatures is None else signatures[position])
    signatures = unique_signatures
    grouped: set[int] = set()
    groups: list[list[tuple[DeskEntry, float]]] = []
    for i, first in enumerate(unique):
        if i in grouped:
            continue
        members: list[tuple[float, int]] = []
        for j in range(i + 1, len(unique)):
            if j not in grouped:
                score = pair_similarity(signatures[i], signatures[j])
                if score >= threshold:
                    members.append((-score, j))
        if members:
            members.sort()
            grouped.add(i)
            grouped.update(j for _, j in members)
            groups.append([(first, 1.0), *((unique[j], -negative) for negative, j in members)])
    return groups
