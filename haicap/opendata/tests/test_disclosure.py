"""Statistical disclosure control (issue 6.5): no count from 1 to 4 is published, and none can be
computed back from the cells of its row (finished = on_time + late)."""

from itertools import product

from haicap.opendata import disclosure


def counts(received=20, finished=12, on_time=10, late=2, online=8) -> dict:
    return {"received": received, "finished": finished, "on_time": on_time, "late": late,
            "online": online}


def test_counts_from_1_to_4_are_hidden_and_zero_and_5_are_shown():
    shown, suppressed = disclosure.suppress(
        {"a": 0, "b": 1, "c": 4, "d": 5, "e": 100}, relations=(), subsets=())

    assert shown == {"a": 0, "b": None, "c": None, "d": 5, "e": 100}
    assert suppressed is True


def test_a_row_without_small_counts_is_published_whole():
    shown, suppressed = disclosure.suppress(counts(finished=15, on_time=10, late=5))

    assert shown == counts(finished=15, on_time=10, late=5) and suppressed is False


def test_a_hidden_late_count_hides_the_smaller_of_on_time_and_finished_too():
    """finished 12 − on_time 10 would give late = 2 back."""
    shown, _ = disclosure.suppress(counts(finished=12, on_time=10, late=2))

    assert shown["late"] is None and shown["on_time"] is None
    assert shown["finished"] == 12 and shown["received"] == 20


def test_a_hidden_count_hides_its_subsets_even_zero():
    """"3 received, 0 online" would say every one of those three came in person."""
    shown, _ = disclosure.suppress(counts(received=3, online=0, finished=3, on_time=3, late=0))

    assert shown == {"received": None, "online": None, "finished": None, "on_time": None,
                     "late": None}


def test_a_shown_count_keeps_its_zero_subsets():
    shown, _ = disclosure.suppress(counts(received=9, online=0, finished=6, on_time=6, late=0))

    assert shown == counts(received=9, online=0, finished=6, on_time=6, late=0)


def test_no_row_ever_lets_a_hidden_cell_be_computed_back_from_its_row():
    """Exhaustive over small values: in finished = on_time + late, never exactly one cell
    hidden, and every published cell outside 1–4."""
    for on_time, late in product(range(0, 12), repeat=2):
        row = counts(finished=on_time + late, on_time=on_time, late=late)
        shown, suppressed = disclosure.suppress(row)
        hidden = [name for name in ("finished", "on_time", "late") if shown[name] is None]
        assert len(hidden) != 1, row
        if shown["finished"] is None:
            assert shown["on_time"] is None and shown["late"] is None, row
        assert all(value is None or not disclosure.is_small(value) for value in shown.values())
        assert suppressed == any(value is None for value in shown.values())
