"""Every network, account and audit page, opened by every persona.

The matrix says who gets the page (200) and who is told it does not exist (404):
a forbidden object must look exactly like a missing one.
"""

import pytest

from xinxi.network.testing import PERSONAS

ALL = set(PERSONAS)
CITY_DESK = {"editor", "desk_chief", "duty_officer", "leader"}
MANAGERS = {"admin", "desk_chief"}


def cases(net):
    county, other_county = net.county.pk, net.other_county.pk
    city_desk = net.city.desk.pk
    return {
        "/": ALL,
        "/network/": ALL,
        "/network/?q=东城": ALL,
        f"/network/units/{county}/": ALL - {"outsider"},
        f"/network/units/{county}/children/?expand=1": ALL - {"outsider"},
        f"/network/units/{other_county}/": {"admin", "outsider"},
        f"/network/units/{net.province.pk}/": ALL,
        f"/network/units/{net.town.pk}/": ALL - {"outsider"},
        f"/network/units/{county}/edit/": MANAGERS,
        f"/network/units/{county}/move/": MANAGERS,
        f"/network/units/{county}/deactivate/": MANAGERS,
        f"/network/units/{county}/staff/new/": MANAGERS,
        f"/network/units/new/?parent={county}": MANAGERS,
        f"/network/units/{other_county}/edit/": {"admin"},
        "/network/units/new/": {"admin"},
        "/network/points/": ALL,
        f"/network/desks/{city_desk}/settings/": MANAGERS,
        f"/network/desks/{net.province.desk.pk}/settings/": {"admin"},
        "/network/calendar/": ALL,
        "/network/calendar/?year=2030": ALL,
        "/accounts/users/": MANAGERS,
        "/accounts/users/new/": MANAGERS,
        f"/accounts/users/{net.reporter.pk}/": MANAGERS,
        f"/accounts/users/{net.outsider.pk}/": {"admin"},
        f"/accounts/users/{net.reporter.pk}/password/": MANAGERS,
        "/accounts/password/": ALL,
        "/audit/": {"admin"},
        "/network/units/999999/": set(),
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_page_access_matrix(net, client_for, persona):
    client = client_for(persona)
    for url, allowed in cases(net).items():
        expected = 200 if persona in allowed else 404
        response = client.get(url)
        assert response.status_code == expected, f"{persona} {url}: {response.status_code}"


@pytest.mark.parametrize("persona", sorted(ALL - MANAGERS))
def test_writes_refused_for_non_managers(net, client_for, persona):
    client = client_for(persona)
    county = net.county
    posts = {
        f"/network/units/{county.pk}/edit/": {"name": "改名", "kind": "party_office", "level": 3,
                                              "region_code": "370102", "version": county.version},
        f"/network/units/{county.pk}/deactivate/": {"reason": "撤并"},
        f"/network/units/{county.pk}/reactivate/": {},
        f"/network/units/{county.pk}/staff/new/": {"name": "某人", "role": "parttime"},
        "/network/points/": {"desk": net.province.desk.pk, "unit": county.pk, "admitted_on": "2026-01-05",
                             "reason": "x"},
        "/accounts/users/new/": {"username": "x1", "full_name": "x", "roles": ["reporter"], "clearance": 1,
                                 "password": "Abcdef#2026x", "unit": county.pk},
    }
    for url, data in posts.items():
        response = client.post(url, data)
        assert response.status_code == 404, f"{persona} {url}: {response.status_code}"
    county.refresh_from_db()
    assert county.name == "东城县委办公室" and county.active
    assert not county.staff.exists()
    assert not county.points.exists()
