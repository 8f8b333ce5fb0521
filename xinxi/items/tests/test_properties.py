"""Properties of the near-duplicate figure and the two text diffs, on generated Chinese text.

Bounded and deterministic (``derandomize``): the same examples every run, no example database.
"""

from __future__ import annotations

import html
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from xinxi.items.desk_views import char_diff
from xinxi.items.similarity import signature, text_similarity
from xinxi.items.views import diff_segments

BOUNDED = settings(max_examples=60, deadline=None, derandomize=True, database=None)

# Words of real reports, figures with their units, punctuation, and markup that must stay text.
WORDS = [
    "东城县", "西山县", "防汛", "安全生产", "大检查", "排查", "隐患", "整改", "企业", "群众", "会议", "部署",
    "召开", "全县", "共", "处", "家", "万元", "亿元", "11月", "20日", "43", "38", "12.5%", "126", "第一",
    "，", "。", "、", "；", "“", "”", "\n", " ", "<b>", "&", "信息", "报送", "接诉即办", "乡村振兴",
]
text = st.lists(st.sampled_from(WORDS), max_size=40).map("".join)
nonempty = st.lists(st.sampled_from(WORDS[:26]), min_size=1, max_size=30).map("".join)


@BOUNDED
@given(a_title=text, a_body=text, b_title=text, b_body=text)
def test_similarity_is_symmetric_and_between_zero_and_one(a_title, a_body, b_title, b_body):
    a, b = signature(a_title, a_body), signature(b_title, b_body)
    forward = text_similarity(a, b)
    assert forward == text_similarity(b, a)
    assert 0.0 <= forward <= 1.0


@BOUNDED
@given(title=nonempty, body=text)
def test_a_text_is_wholly_similar_to_itself(title, body):
    own = signature(title, body)
    if own.norm:  # a text of stop words and one-character tokens has nothing to compare
        assert text_similarity(own, signature(title, body)) == 1.0


FULL_WIDTH = str.maketrans("0123456789.%", "０１２３４５６７８９．％")


@BOUNDED
@given(title=nonempty, body=text)
def test_full_width_figures_count_as_the_same_figures(title, body):
    own = signature(title, body)
    if own.norm:
        wide = signature(title.translate(FULL_WIDTH), body.translate(FULL_WIDTH))
        assert text_similarity(own, wide) == 1.0


@BOUNDED
@given(before=text, after=text)
def test_the_word_diff_gives_back_both_texts(before, after):
    old, new = diff_segments(before, after)
    assert "".join(t for kind, t in old if kind in {"same", "del"}) == before
    assert "".join(t for kind, t in new if kind in {"same", "ins"}) == after
    assert [t for kind, t in old if kind == "same"] == [t for kind, t in new if kind == "same"]
    assert {kind for kind, _ in old} <= {"same", "del"} and {kind for kind, _ in new} <= {"same", "ins"}


def _unmark(marked: str) -> str:
    return html.unescape(re.sub(r"</?(?:del|ins)>", "", marked))


@BOUNDED
@given(before=text, after=text)
def test_the_character_diff_gives_back_both_texts_and_marks_only_changes(before, after):
    left, right = char_diff(before, after)
    assert _unmark(left) == before and _unmark(right) == after
    assert "<ins>" not in left and "<del>" not in right
    if before == after:
        assert "<del>" not in left and "<ins>" not in right
    assert "<b>" not in left + right  # markup typed into a text stays text
