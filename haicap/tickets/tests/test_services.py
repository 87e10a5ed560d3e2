"""Rules of the queue: numbering, calling order, transfers, who may act, what is audited."""

from datetime import UTC, datetime

import pytest

from haicap.core.errors import InvalidInput, PermissionDenied
from haicap.core.models import AuditEntry
from haicap.dossiers.models import OutboxMessage
from haicap.tickets import clock, selectors, services
from haicap.tickets.models import Ticket, TicketStatus
from haicap.tickets.tests.conftest import local


def take(group, *moment, phone=""):
    with clock.at(local(*moment)):
        return services.take_ticket(group=group, phone=phone)


def call(officer, counter, *moment):
    with clock.at(local(*moment)):
        return services.call_next(officer=officer, counter=counter)


def test_numbers_restart_each_day_per_centre_and_letter_without_gaps(centres):
    a, b = centres["groups"]["A"], centres["groups"]["B"]
    first_day = [take(a, 2026, 11, 26, 8, minute).label for minute in range(3)]
    other_letter = take(b, 2026, 11, 26, 8, 5).label
    next_day = take(a, 2026, 11, 27, 7, 31).label
    commune = take(centres["commune_groups"]["A"], 2026, 11, 26, 8, 6).label

    assert first_day == ["A-001", "A-002", "A-003"]
    assert other_letter == "B-001"
    assert next_day == "A-001"
    assert commune == "A-001"  # each centre numbers on its own


def test_the_day_of_a_ticket_is_the_local_day(centres):
    # 23:30 UTC on the 25th is 06:30 on the 26th in Việt Nam.
    with clock.at(datetime(2026, 11, 25, 23, 30, tzinfo=UTC)):
        ticket = services.take_ticket(group=centres["groups"]["A"])
    assert ticket.day.isoformat() == "2026-11-26"


def test_call_next_takes_the_oldest_waiting_ticket_of_the_counters_groups(centres):
    groups, counter_one = centres["groups"], centres["counters"][1]  # serves A and C
    take(groups["B"], 2026, 11, 26, 8, 0)
    c1 = take(groups["C"], 2026, 11, 26, 8, 1)
    a1 = take(groups["A"], 2026, 11, 26, 8, 2)

    first = call(centres["desk"], counter_one, 2026, 11, 26, 8, 10)
    second = call(centres["desk"], counter_one, 2026, 11, 26, 8, 15)

    assert [first.pk, second.pk] == [c1.pk, a1.pk]
    assert first.counter == counter_one and first.status == TicketStatus.CALLED


def test_call_next_marks_the_ticket_at_the_counter_served(centres):
    a = centres["groups"]["A"]
    first, _second = take(a, 2026, 11, 26, 8, 0), take(a, 2026, 11, 26, 8, 1)
    call(centres["desk"], centres["counters"][1], 2026, 11, 26, 8, 5)
    call(centres["desk"], centres["counters"][1], 2026, 11, 26, 8, 12)

    first.refresh_from_db()
    assert first.status == TicketStatus.SERVED
    assert first.finished_at == local(2026, 11, 26, 8, 12)


def test_call_next_with_nobody_waiting_calls_nobody(centres):
    take(centres["groups"]["B"], 2026, 11, 26, 8, 0)  # counter 1 does not serve B
    assert call(centres["desk"], centres["counters"][1], 2026, 11, 26, 8, 5) is None


def test_yesterdays_waiting_tickets_are_not_called_today(centres):
    take(centres["groups"]["A"], 2026, 11, 25, 16, 55)
    assert call(centres["desk"], centres["counters"][1], 2026, 11, 26, 7, 30) is None


def test_recall_puts_the_ticket_back_on_top_of_the_display(centres):
    groups, desk = centres["groups"], centres["desk"]
    a1, _b1 = take(groups["A"], 2026, 11, 26, 8, 0), take(groups["B"], 2026, 11, 26, 8, 1)
    call(desk, centres["counters"][1], 2026, 11, 26, 8, 5)
    call(centres["other_desk"], centres["counters"][2], 2026, 11, 26, 8, 6)
    with clock.at(local(2026, 11, 26, 8, 6)):
        assert [t.label for t in selectors.latest_calls(centres["centre"])] == ["B-001", "A-001"]
    with clock.at(local(2026, 11, 26, 8, 7)):
        services.recall(officer=desk, ticket=a1)
        calls = selectors.latest_calls(centres["centre"])
    assert [(t.label, t.counter.number) for t in calls] == [("A-001", 1), ("B-001", 2)]
    assert calls[0].calls == 2


def test_a_finished_ticket_cannot_be_recalled(centres):
    a1 = take(centres["groups"]["A"], 2026, 11, 26, 8, 0)
    call(centres["desk"], centres["counters"][1], 2026, 11, 26, 8, 5)
    with clock.at(local(2026, 11, 26, 8, 9)):
        services.mark_served(officer=centres["desk"], ticket=a1)
        with pytest.raises(services.Conflict) as refused:
            services.recall(officer=centres["desk"], ticket=a1)
    assert refused.value.code == "ticket_changed"


def test_transfer_keeps_the_number_and_the_place_by_time_taken(centres):
    groups, desk = centres["groups"], centres["desk"]
    a1 = take(groups["A"], 2026, 11, 26, 8, 0)
    b1 = take(groups["B"], 2026, 11, 26, 8, 1)
    call(desk, centres["counters"][1], 2026, 11, 26, 8, 5)
    with clock.at(local(2026, 11, 26, 8, 9)):
        moved = services.transfer(officer=desk, ticket=a1, group=groups["B"])
    assert (moved.label, moved.group, moved.status, moved.counter) == (
        "A-001", groups["B"], TicketStatus.WAITING, None)

    next_at_b = call(centres["other_desk"], centres["counters"][2], 2026, 11, 26, 8, 10)
    assert next_at_b.pk == a1.pk  # taken before B-001
    assert next_at_b.first_called_at == local(2026, 11, 26, 8, 5)  # its wait ended at 8:05
    assert Ticket.objects.get(pk=b1.pk).status == TicketStatus.WAITING


def test_transfer_to_a_group_of_another_centre_is_refused(centres):
    a1 = take(centres["groups"]["A"], 2026, 11, 26, 8, 0)
    call(centres["desk"], centres["counters"][1], 2026, 11, 26, 8, 5)
    with pytest.raises(InvalidInput) as refused:
        services.transfer(officer=centres["desk"], ticket=a1,
                          group=centres["commune_groups"]["B"])
    assert refused.value.code == "invalid_group"


def test_only_desk_officers_of_the_centre_act_on_its_tickets(centres):
    a1 = take(centres["groups"]["A"], 2026, 11, 26, 8, 0)
    for outsider in (centres["commune_desk"], centres["centre_specialist"], centres["ops"]):
        with pytest.raises(PermissionDenied) as refused:
            call(outsider, centres["counters"][1], 2026, 11, 26, 8, 5)
        assert refused.value.code == "not_your_centre"
    call(centres["desk"], centres["counters"][1], 2026, 11, 26, 8, 5)
    with pytest.raises(PermissionDenied):
        services.mark_served(officer=centres["commune_desk"], ticket=a1)
    assert Ticket.objects.get(pk=a1.pk).status == TicketStatus.CALLED


def test_served_or_no_show_only_for_a_ticket_being_served(centres):
    a1 = take(centres["groups"]["A"], 2026, 11, 26, 8, 0)
    with pytest.raises(services.Conflict) as refused:
        services.mark_served(officer=centres["desk"], ticket=a1)
    assert refused.value.status == 409
    call(centres["desk"], centres["counters"][1], 2026, 11, 26, 8, 5)
    with clock.at(local(2026, 11, 26, 8, 7)):
        missed = services.mark_no_show(officer=centres["desk"], ticket=a1)
    assert missed.status == TicketStatus.NO_SHOW and missed.finished_at.minute == 7


def test_officer_actions_are_audited_the_kiosk_is_not(centres):
    a1 = take(centres["groups"]["A"], 2026, 11, 26, 8, 0)
    before = AuditEntry.objects.count()
    call(centres["desk"], centres["counters"][1], 2026, 11, 26, 8, 5)
    with clock.at(local(2026, 11, 26, 8, 6)):
        services.recall(officer=centres["desk"], ticket=a1)
        services.mark_served(officer=centres["desk"], ticket=a1)
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))[before:]
    assert actions == ["tickets.call", "tickets.recall", "tickets.served"]
    take(centres["groups"]["A"], 2026, 11, 26, 8, 10)
    assert AuditEntry.objects.count() == before + 3


def test_a_bad_phone_number_is_refused_and_no_number_is_used(centres):
    a = centres["groups"]["A"]
    with pytest.raises(InvalidInput) as refused:
        take(a, 2026, 11, 26, 8, 0, phone="12345")
    assert refused.value.code == "invalid_phone"
    assert take(a, 2026, 11, 26, 8, 1, phone="+84 905 123 456").label == "A-001"
    assert Ticket.objects.get().phone == "0905123456"


def test_a_visitor_who_left_a_phone_gets_one_sms_when_the_turn_is_near(centres):
    a = centres["groups"]["A"]
    for minute in range(4):
        take(a, 2026, 11, 26, 8, minute)
    fifth = take(a, 2026, 11, 26, 8, 4, phone="0905123456")
    call(centres["desk"], centres["counters"][1], 2026, 11, 26, 8, 10)  # 3 before it
    assert not OutboxMessage.objects.filter(type="vn.haicap.ticket.near_turn").exists()
    call(centres["desk"], centres["counters"][1], 2026, 11, 26, 8, 15)  # 2 before it
    call(centres["desk"], centres["counters"][1], 2026, 11, 26, 8, 20)

    message = OutboxMessage.objects.get(type="vn.haicap.ticket.near_turn")
    assert message.subject == fifth.label and message.data["phone"] == "0905123456"
    assert message.data["text"].startswith(f"Số {fifth.label} của quý khách tại ")
    assert Ticket.objects.get(pk=fifth.pk).alerted_at == local(2026, 11, 26, 8, 15)


def test_slip_counts_the_people_before_and_estimates_from_todays_service_time(centres):
    a, desk, counter = centres["groups"]["A"], centres["desk"], centres["counters"][1]
    take(a, 2026, 11, 26, 8, 0)
    take(a, 2026, 11, 26, 8, 1)
    call(desk, counter, 2026, 11, 26, 8, 2)
    call(desk, counter, 2026, 11, 26, 8, 10)  # the first served in 8 minutes
    for minute in range(11, 14):
        take(a, 2026, 11, 26, 8, minute)
    last = take(a, 2026, 11, 26, 8, 14)

    with clock.at(local(2026, 11, 26, 8, 14)):
        slip = selectors.slip(last)
    # 3 before it, 8 minutes each, one counter (1) serves A.
    assert (slip.ahead, slip.estimated_wait_minutes) == (3, 24)


def test_set_up_centre_twice_keeps_the_first_set_up(centres):
    counters = services.set_up_centre(centres["centre"], counters=5)
    assert len(counters) == 2


def test_a_counter_serves_only_its_own_centres_groups_in_the_admin(centres):
    from haicap.tickets.admin import CounterForm

    counter = centres["counters"][1]
    form = CounterForm(instance=counter, data={
        "office": centres["centre"].pk, "number": 1, "is_active": True,
        "groups": [centres["groups"]["A"].pk, centres["commune_groups"]["B"].pk]})
    assert not form.is_valid()


def test_deleting_a_centre_deletes_its_queue_but_a_group_with_tickets_stays(centres):
    from django.db.models import RestrictedError

    from haicap.tickets.models import ServiceGroup

    take(centres["groups"]["A"], 2026, 11, 26, 8, 0)
    with pytest.raises(RestrictedError):
        centres["groups"]["A"].delete()
    centres["centre"].officers.all().delete()  # as the demo's reset does, officers first
    centres["centre"].delete()
    assert not Ticket.objects.exists()
    assert not ServiceGroup.objects.filter(office_id=centres["centre"].pk).exists()
