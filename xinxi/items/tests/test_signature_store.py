"""Near-duplicate signatures stored for every process: the same figures, read not recomputed, pruned."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from xinxi.items import signature_store, similarity
from xinxi.items.models import TextSignature

SAFETY = (
    "东城县排查企业126家整改隐患38处",
    "11月20日，东城县召开安全生产专题会议，全县共排查企业126家，发现隐患43处，已整改38处，其余5处限期整改。",
)
TWIN = (
    "东城镇配合排查企业126家",
    "东城县召开安全生产专题会议，全县排查企业126家，发现隐患43处，已整改38处，5处限期12月前整改完毕。",
)
OTHER = ("青山市新增公办幼儿园学位3600个", "今年以来，青山市新建、改扩建公办幼儿园18所，新增学位3600个。" * 40)


@pytest.fixture(autouse=True)
def _empty_process_cache():
    signature_store._local.clear()
    yield
    signature_store._local.clear()


@pytest.mark.django_db
def test_a_stored_signature_gives_the_same_figures_as_a_computed_one():
    texts = [SAFETY, TWIN, OTHER]
    stored = signature_store.signatures(texts)
    assert TextSignature.objects.count() == 3
    signature_store._local.clear()
    with CaptureQueriesContext(connection) as done:
        read = signature_store.signatures(texts)
    assert len(done.captured_queries) == 1  # one lookup, nothing computed or written
    fresh = [similarity.text_signature(*t) for t in texts]
    for a, b, c in zip(stored, read, fresh, strict=True):
        assert a.weights == b.weights == c.weights and a.figures == b.figures == c.figures
        assert a.norm == b.norm == c.norm
    assert similarity.text_similarity(read[0], read[1]) == similarity.text_similarity(fresh[0], fresh[1]) > 0.5
    # Only the body's head counts, as for the figures: a longer tail is the same text.
    assert signature_store.digest(*OTHER) == signature_store.digest(OTHER[0], OTHER[1] + "另附说明。")
    assert signature_store.digest(*SAFETY) != signature_store.digest(SAFETY[0] + "（续）", SAFETY[1])


@pytest.mark.django_db
def test_what_another_process_stored_is_read_not_recomputed():
    key = signature_store.digest(*SAFETY)
    TextSignature.objects.create(digest=key, weights={"隐患": 3.0, "126": 4.0}, figures=["126"])
    [sig] = signature_store.signatures([SAFETY])
    assert sig.weights == {"隐患": 3.0, "126": 4.0} and sig.norm == 5.0 and sig.figures == frozenset({"126"})
    with CaptureQueriesContext(connection) as done:
        again = signature_store.signatures([SAFETY, SAFETY])
    assert again == [sig, sig] and not done.captured_queries  # this process's cache


@pytest.mark.django_db
def test_old_signatures_are_pruned_by_the_daily_sweep():
    signature_store.signatures([SAFETY, TWIN])
    TextSignature.objects.filter(digest=signature_store.digest(*SAFETY)).update(
        created=dt.date.today() - dt.timedelta(days=signature_store.KEEP_DAYS + 1)
    )
    from xinxi.items.tasks import prune_signatures

    assert prune_signatures.call("2026-12-05") == "删除相似度特征 1 条"
    assert list(TextSignature.objects.values_list("digest", flat=True)) == [signature_store.digest(*TWIN)]
