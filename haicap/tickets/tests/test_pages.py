"""The pages: kiosk and display (public), a counter's desk (its desk officers, by keyboard and
HTMX), the crowding table (operations centre)."""

from django.test import Client
from django.urls import reverse

from haicap.core.tests import factories
from haicap.tickets import clock, services
from haicap.tickets.models import Ticket, TicketStatus
from haicap.tickets.tests.conftest import local

HTMX = {"HTTP_HX_REQUEST": "true"}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_kiosk_shows_a_button_per_group_and_gives_a_numbered_slip(centres):
    code = centres["centre"].code
    page = Client().get(reverse("tickets:kiosk", args=[code]))
    assert page.status_code == 200
    for group in centres["groups"].values():
        assert f'name="group" value="{group.pk}"' in page.content.decode()

    with clock.at(local(2026, 11, 26, 8, 0)):
        taken = Client().post(reverse("tickets:kiosk", args=[code]),
                              {"group": centres["groups"]["B"].pk, "phone": ""})
        ticket = Ticket.objects.get()
        assert taken.url == reverse("tickets:slip", args=[code, ticket.pk])
        slip = Client().get(taken.url).content.decode()
    assert "B-001" in slip and "Đất đai" in slip and "08:00 26/11/2026" in slip


def test_kiosk_keeps_the_page_and_says_why_when_the_phone_is_wrong(centres):
    code = centres["centre"].code
    page = Client().post(reverse("tickets:kiosk", args=[code]),
                         {"group": centres["groups"]["A"].pk, "phone": "0123"})
    assert page.status_code == 200 and 'role="alert"' in page.content.decode()
    assert not Ticket.objects.exists()


def test_kiosk_of_an_unknown_centre_or_group_is_not_found(centres):
    assert Client().get(reverse("tickets:kiosk", args=["NOPE"])).status_code == 404
    other_centres_group = centres["commune_groups"]["A"].pk
    assert Client().post(reverse("tickets:kiosk", args=[centres["centre"].code]),
                         {"group": other_centres_group}).status_code == 404


def test_display_shows_the_called_numbers_with_their_counter_latest_first(centres):
    groups = centres["groups"]
    with clock.at(local(2026, 11, 26, 8, 0)):
        services.take_ticket(group=groups["A"])
        services.take_ticket(group=groups["B"])
        services.take_ticket(group=groups["A"])
    with clock.at(local(2026, 11, 26, 8, 5)):
        services.call_next(officer=centres["desk"], counter=centres["counters"][1])
    with clock.at(local(2026, 11, 26, 8, 6)):
        services.call_next(officer=centres["other_desk"], counter=centres["counters"][2])
        url = reverse("tickets:display", args=[centres["centre"].code])
        page = Client().get(url).content.decode()
        board = Client().get(url, **HTMX).content.decode()
    assert page.index("B-001") < page.index("A-001")
    assert "Quầy 2" in page and "Quầy 1" in page
    assert "A-002" not in page  # still waiting: not on the board
    assert 'hx-trigger="every 3s"' in page
    assert board.startswith('<div id="board"') and "<html" not in board


def test_desk_officer_calls_next_by_htmx_and_sees_the_ticket(centres):
    counter = centres["counters"][1]
    with clock.at(local(2026, 11, 26, 8, 0)):
        services.take_ticket(group=centres["groups"]["A"])
    client = signed_in(centres["desk"])
    with clock.at(local(2026, 11, 26, 8, 5)):
        page = client.get(reverse("tickets:counter", args=[counter.pk])).content.decode()
        assert 'data-key="n"' in page and "tickets/desk.js" in page
        panel = client.post(reverse("tickets:counter_action", args=[counter.pk, "next"]), **HTMX)
    assert panel.status_code == 200
    assert "A-001" in panel.content.decode() and "<html" not in panel.content.decode()
    ticket = Ticket.objects.get()
    assert ticket.status == TicketStatus.CALLED and ticket.officer == centres["desk"]


def test_desk_actions_without_javascript_redirect_back_to_the_counter(centres):
    counter = centres["counters"][1]
    with clock.at(local(2026, 11, 26, 8, 0)):
        services.take_ticket(group=centres["groups"]["A"])
        client = signed_in(centres["desk"])
        client.post(reverse("tickets:counter_action", args=[counter.pk, "next"]))
        ticket = Ticket.objects.get()
        moved = client.post(reverse("tickets:counter_action", args=[counter.pk, "transfer"]),
                            {"ticket": ticket.pk, "group": centres["groups"]["D"].pk})
    assert moved.url == reverse("tickets:counter", args=[counter.pk])
    ticket.refresh_from_db()
    assert ticket.group == centres["groups"]["D"] and ticket.status == TicketStatus.WAITING


def test_a_refused_desk_action_says_why_in_the_panel(centres):
    counter = centres["counters"][1]
    with clock.at(local(2026, 11, 26, 8, 0)):
        ticket = services.take_ticket(group=centres["groups"]["A"])
    panel = signed_in(centres["desk"]).post(
        reverse("tickets:counter_action", args=[counter.pk, "served"]), {"ticket": ticket.pk},
        **HTMX)
    assert panel.status_code == 200 and 'role="alert"' in panel.content.decode()


def test_counter_pages_are_for_the_desk_officers_of_the_centre_only(centres):
    counter = centres["counters"][1]
    url = reverse("tickets:counter", args=[counter.pk])
    assert signed_in(centres["commune_desk"]).get(url).status_code == 403
    assert signed_in(centres["centre_specialist"]).get(url).status_code == 403
    assert signed_in(centres["desk"]).get(url).status_code == 200
    assert signed_in(centres["commune_desk"]).post(
        reverse("tickets:counter_action", args=[counter.pk, "next"])).status_code == 403
    assert Client().get(url).status_code == 302  # to sign in
    listing = signed_in(centres["commune_desk"]).get(reverse("tickets:counters"))
    assert reverse("tickets:counter", args=[centres["commune_counter"].pk]) in \
        listing.content.decode()
    assert url not in listing.content.decode()


def test_unknown_desk_action_is_not_found(centres):
    counter = centres["counters"][1]
    response = signed_in(centres["desk"]).post(
        reverse("tickets:counter_action", args=[counter.pk, "delete"]))
    assert response.status_code == 404


def test_crowding_page_shows_a_row_per_centre_and_refreshes_itself(centres,
                                                                  django_assert_max_num_queries):
    with clock.at(local(2026, 11, 26, 8, 0)):
        services.take_ticket(group=centres["groups"]["A"])
    client = signed_in(centres["ops"])
    with clock.at(local(2026, 11, 26, 8, 20)), django_assert_max_num_queries(12):
        page = client.get(reverse("tickets:crowding")).content.decode()
    assert centres["centre"].name in page and centres["commune"].name in page
    assert 'hx-trigger="every 10s"' in page and "20,0" in page  # longest wait, decimal comma
    past = client.get(reverse("tickets:crowding"), {"day": "2026-11-25"}).content.decode()
    assert "hx-trigger" not in past


def test_crowding_page_refuses_a_bad_day_and_citizens(centres):
    ops = signed_in(centres["ops"])
    assert ops.get(reverse("tickets:crowding"), {"day": "26/11"}).status_code == 422
    citizen = signed_in(factories.resident(centres["commune"].commune))
    assert citizen.get(reverse("tickets:crowding")).status_code == 403


def test_display_and_desk_read_a_fixed_number_of_queries(centres, django_assert_max_num_queries):
    groups = centres["groups"]
    with clock.at(local(2026, 11, 26, 8, 0)):
        for group in (groups["A"], groups["A"], groups["C"], groups["B"]):
            services.take_ticket(group=group)
        services.call_next(officer=centres["desk"], counter=centres["counters"][1])
        services.call_next(officer=centres["other_desk"], counter=centres["counters"][2])
        client = signed_in(centres["desk"])
        with django_assert_max_num_queries(3):
            Client().get(reverse("tickets:display", args=[centres["centre"].code]), **HTMX)
        with django_assert_max_num_queries(12):  # session and user included
            client.get(reverse("tickets:counter", args=[centres["counters"][1].pk]), **HTMX)


def test_crowding_table_alone_for_a_dashboard_to_embed(centres):
    table = signed_in(centres["ops"]).get(reverse("tickets:crowding"), **HTMX).content.decode()
    assert table.startswith('<div id="crowding"') and "<html" not in table
    assert reverse("tickets:display", args=[centres["centre"].code]) in table
