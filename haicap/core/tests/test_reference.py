"""Reference data kept by a worker (ADR 0010): answers are reused for TTL_SECONDS, never
exceptions."""

import pytest

from haicap.core import reference


@pytest.fixture
def clock(monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(reference, "_clock", lambda: now[0])
    return now


def test_a_kept_function_answers_from_memory_within_the_ttl_and_asks_again_after(clock):
    calls = []

    @reference.kept()
    def square(number):
        calls.append(number)
        return number * number

    assert [square(3), square(3), square(4)] == [9, 9, 16]
    clock[0] += reference.TTL_SECONDS + 1
    assert square(3) == 9
    assert calls == [3, 4, 3]


def test_a_kept_function_does_not_keep_its_exceptions(clock):
    calls = []

    @reference.kept()
    def fails_once(key):
        calls.append(key)
        if len(calls) == 1:
            raise ValueError(key)
        return key

    with pytest.raises(ValueError):
        fails_once("a")
    assert fails_once("a") == "a"
