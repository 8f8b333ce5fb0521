"""The API of 报送要点 and 调研: create, publish, tag, coverage, research topics and quota status."""

from __future__ import annotations

import pytest
from django.test import Client

from xinxi.assignments.models.priorities import ItemPriority
from xinxi.assignments.tests.helpers_priorities import make_list, sent_item
from xinxi.network.models import Desk, Quota, QuotaFrequency
from xinxi.network.testing import Net

pytestmark = pytest.mark.django_db
J = "application/json"


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def test_create_publish_and_read(net: Net) -> None:
    chief = _client(net.desk_chief)
    body = {"title": "2026年12月采编要目", "period": "month", "starts_on": "2026-12-01", "ends_on": "2026-12-31",
            "topics": [{"title": "冬季供暖", "keywords": "供暖"}, {"title": "岁末安全"}]}
    created = chief.post("/api/v1/priorities/", body, content_type=J)
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert created.json()["state"] == "draft" and created.json()["doc_number"] == ""
    assert _client(net.reporter).get(f"/api/v1/priorities/{pk}/").status_code == 404
    assert _client(net.editor).post(f"/api/v1/priorities/{pk}/publish/").status_code == 409
    published = chief.post(f"/api/v1/priorities/{pk}/publish/")
    assert published.status_code == 200 and published.json()["doc_number"] == "临江信要〔2026〕1号"
    assert chief.post(f"/api/v1/priorities/{pk}/publish/").status_code == 409
    listed = _client(net.reporter).get("/api/v1/priorities/").json()
    assert [r["title"] for r in listed["results"]] == ["2026年12月采编要目"]
    assert _client(net.outsider).get(f"/api/v1/priorities/{pk}/").status_code == 404
    bad = chief.post("/api/v1/priorities/", {**body, "topics": []}, content_type=J)
    assert bad.status_code == 400 and "topics" in bad.json()


def test_tag_and_coverage(net: Net) -> None:
    plist = make_list(net)
    draft = make_list(net, publish=False, title="草稿")
    topic = plist.topics.get(number=2)
    item = sent_item(net.reporter, title="东城县乡村振兴")
    reporter = _client(net.reporter)
    tagged = reporter.post("/api/v1/priorities/tag/", {"item": item.pk, "topics": [topic.pk]}, content_type=J)
    assert tagged.status_code == 200 and tagged.json()["topics"][0]["title"] == "乡村振兴"
    refused = reporter.post("/api/v1/priorities/tag/", {"item": item.pk, "topics": [draft.topics.first().pk]},  # type: ignore[union-attr]
                            content_type=J)
    assert refused.status_code == 409 and "尚未印发" in str(refused.json())
    assert reporter.post("/api/v1/priorities/tag/", {"item": item.pk, "topics": [2_000_000_000]},
                         content_type=J).status_code == 409
    assert reporter.post("/api/v1/priorities/tag/", {"item": item.pk, "topics": ["x"]},
                         content_type=J).status_code == 400
    other = _client(net.outsider).post("/api/v1/priorities/tag/", {"item": item.pk, "topics": []}, content_type=J)
    assert other.status_code == 409 and "信息不存在" in str(other.json())
    assert list(ItemPriority.objects.values_list("topic_id", flat=True)) == [topic.pk]
    coverage = _client(net.editor).get(f"/api/v1/priorities/{plist.pk}/coverage/").json()
    assert coverage["total"] == 1
    assert [(t["topic"]["title"], t["tagged"]) for t in coverage["topics"]][1] == ("乡村振兴", 1)
    assert coverage["units"][0]["unit"] == "东城县委办公室"
    assert reporter.get(f"/api/v1/priorities/{plist.pk}/coverage/").status_code == 404


def test_research_topics_and_quota(net: Net) -> None:
    Quota.objects.create(desk=Desk.objects.get(unit=net.city), unit=net.county, frequency=QuotaFrequency.MONTH,
                         count=2, research_per_quarter=1, valid_from=net.city.created_at.date())
    editor = _client(net.editor)
    created = editor.post("/api/v1/research/topics/", {"title": "县域经济调研", "period": "quarter", "year": 2026,
                                                        "quarter": 4}, content_type=J)
    assert created.status_code == 201 and created.json()["period_label"] == "2026年第4季度"
    assert _client(net.reporter).post("/api/v1/research/topics/", {"title": "x", "period": "year", "year": 2026},
                                      content_type=J).status_code == 409
    assert [t["title"] for t in _client(net.reporter).get("/api/v1/research/topics/").json()["results"]] == [
        "县域经济调研"]
    quota = editor.get("/api/v1/research/quota/").json()
    assert (quota["quarter"], quota["deadline"]) == (4, "2026-12-31")
    assert quota["rows"] == [{"unit_id": net.county.pk, "unit": "东城县委办公室", "quota": 1, "received": 0,
                              "short": 1}]
    assert editor.get("/api/v1/research/quota/?quarter=2026-Q3").json()["overdue"] is True
    assert _client(net.reporter).get("/api/v1/research/quota/").status_code == 404
