"""List pages read filters and pages one way (lib.listing): nonsense is ignored, never an error."""

from django.test import RequestFactory

from xinxi.lib.listing import choice_param, int_param, paginate, query_without, text_param
from xinxi.publications import services
from xinxi.publications.tests.factories import pending_issue, periodical


def _get(query: str):
    return RequestFactory().get(f"/list/?{query}")


def test_filters_keep_only_known_values():
    request = _get("state=draft&role=king&year=2026&bad=20x6&q=%20%20直报点%20")
    assert choice_param(request, "state", ["draft", "submitted"]) == "draft"
    assert choice_param(request, "role", ["editor"], default="all") == "all"
    assert (int_param(request, "year"), int_param(request, "bad"), int_param(request, "none")) == (2026, None, None)
    assert text_param(request) == "直报点" and len(text_param(_get("q=" + "长" * 80))) == 50


def test_pages_past_the_end_or_nonsense_are_the_last_or_first():
    rows = list(range(45))
    assert paginate(_get("page=9"), rows, 20).number == 3
    assert paginate(_get("page=abc"), rows, 20).number == 1
    assert list(paginate(_get("page=3"), rows, 20)) == [40, 41, 42, 43, 44]
    assert paginate(_get(""), rows, 20, count=45).paginator.num_pages == 3


def test_query_without_drops_only_the_named_parameters():
    assert query_without(_get("state=new&page=2&q=a"), "state", "page") == "q=a"


def test_issue_list_ignores_a_nonsense_year_and_filters_a_real_one(net, client_for):
    issue = services.issue_sign_off(actor=net.desk_chief, issue=pending_issue(net, periodical(net)))
    client = client_for("reporter")  # a reader: the page lists issues only, no desk panel
    assert issue.label in client.get("/publications/?year=abc&periodical=x").content.decode()
    assert issue.label in client.get(f"/publications/?year={issue.year}").content.decode()
    assert issue.label not in client.get(f"/publications/?year={issue.year - 1}").content.decode()
