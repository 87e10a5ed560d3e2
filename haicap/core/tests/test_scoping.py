"""Rule: an officer reads and changes only the records of their own unit (STYLE.md 3)."""

import pytest

from haicap.core.models import User
from haicap.core.roles import Role
from haicap.core.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_communes():
    home, other = factories.communes(count=2)
    return {
        "home": home,
        "other": other,
        "officer": factories.officer(factories.commune_office(home)),
        "own_resident": factories.resident(home, "Trần Văn Bình"),
        "foreign_resident": factories.resident(other, "Lê Thị Hoa"),
    }


def test_commune_officer_cannot_read_another_communes_resident_through_pages(client, two_communes):
    client.force_login(two_communes["officer"])
    foreign = two_communes["foreign_resident"]

    listing = client.get("/can-bo/cu-dan/")
    detail = client.get(f"/can-bo/cu-dan/{foreign.pk}/")

    assert "Trần Văn Bình" in listing.text
    assert "Lê Thị Hoa" not in listing.text
    assert detail.status_code == 404


def test_commune_officer_cannot_change_another_communes_resident_through_pages(
    client, two_communes
):
    client.force_login(two_communes["officer"])
    foreign = two_communes["foreign_resident"]

    response = client.post(f"/can-bo/cu-dan/{foreign.pk}/", {"phone": "0911111111"})

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.phone == "0905123456"


def test_commune_officer_cannot_read_or_change_another_communes_resident_through_api(
    client, two_communes
):
    client.force_login(two_communes["officer"])
    foreign = two_communes["foreign_resident"]

    listing = client.get("/api/v1/residents").json()
    read = client.get(f"/api/v1/residents/{foreign.pk}")
    change = client.patch(f"/api/v1/residents/{foreign.pk}", {"phone": "0911111111"},
                          content_type="application/json")

    assert [item["full_name"] for item in listing["items"]] == ["Trần Văn Bình"]
    assert read.status_code == 404
    assert read.json()["code"] == "resident_not_found"
    assert change.status_code == 404
    foreign.refresh_from_db()
    assert foreign.phone == "0905123456"


def test_commune_officer_changes_own_communes_resident_through_api(client, two_communes):
    client.force_login(two_communes["officer"])
    own = two_communes["own_resident"]

    response = client.patch(f"/api/v1/residents/{own.pk}", {"phone": "+84 912 345 678"},
                            content_type="application/json")

    assert response.status_code == 200
    assert response.json()["phone"] == "0912345678"


def test_invalid_phone_is_422_with_code_and_nothing_changes(client, two_communes):
    client.force_login(two_communes["officer"])
    own = two_communes["own_resident"]

    response = client.patch(f"/api/v1/residents/{own.pk}", {"phone": "12345"},
                            content_type="application/json")

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_phone"
    assert "10 chữ số" in response.json()["message"]
    own.refresh_from_db()
    assert own.phone == "0905123456"


def test_province_centre_officer_reads_residents_of_every_commune(client, two_communes):
    centre_officer = factories.officer(factories.province_office())
    client.force_login(centre_officer)

    names = {item["full_name"] for item in client.get("/api/v1/residents").json()["items"]}

    assert names == {"Trần Văn Bình", "Lê Thị Hoa"}


def test_operations_viewer_reads_but_cannot_change(client, two_communes):
    viewer = factories.officer(factories.province_office(), role=Role.OPS_VIEWER)
    client.force_login(viewer)
    own = two_communes["own_resident"]

    read = client.get(f"/api/v1/residents/{own.pk}")
    change = client.patch(f"/api/v1/residents/{own.pk}", {"phone": "0911111111"},
                          content_type="application/json")

    assert read.status_code == 200
    assert change.status_code == 403
    assert change.json()["code"] == "forbidden"


def test_officer_of_another_province_sees_nobody(client, two_communes):
    hanoi_officer = factories.officer(factories.province_office("01"))
    client.force_login(hanoi_officer)

    assert client.get("/api/v1/residents").json()["count"] == 0


def test_citizen_sees_only_their_own_record(client, two_communes):
    citizen = two_communes["own_resident"]
    client.force_login(citizen)

    items = client.get("/api/v1/residents").json()["items"]

    assert [item["id"] for item in items] == [citizen.pk]


def test_anonymous_api_request_is_401_with_code(client, two_communes):
    response = client.get("/api/v1/residents")

    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_search_without_tone_marks_finds_resident(client, two_communes):
    client.force_login(two_communes["officer"])

    items = client.get("/api/v1/residents", {"q": "tran van binh"}).json()["items"]

    assert [item["full_name"] for item in items] == ["Trần Văn Bình"]


def test_resident_list_page_query_count_does_not_grow_with_rows(
    client, two_communes, django_assert_max_num_queries
):
    officer = two_communes["officer"]
    for number in range(30):
        factories.resident(two_communes["home"], f"Phạm Văn {number}")
    client.force_login(officer)

    with django_assert_max_num_queries(8):
        response = client.get("/can-bo/cu-dan/")

    assert response.status_code == 200
    assert User.objects.visible_to(officer).filter(role=Role.CITIZEN).count() == 31
