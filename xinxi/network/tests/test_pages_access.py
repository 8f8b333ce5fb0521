"""Writes to network and account pages refused to everyone but managers, with nothing changed.

Who may open each page is in the generated access matrix (``core/tests/test_access_matrix.py``).
"""

import pytest

from xinxi.network.testing import PERSONAS

ALL = set(PERSONAS)
MANAGERS = {"admin", "desk_chief"}


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
