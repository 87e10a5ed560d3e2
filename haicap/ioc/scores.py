"""Decision 766/QĐ-TTg scores (being written: see the next commit)."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Group:
    key: str
    name: str
    max_points: int
    points: float
    rate: float | None
    has_data: bool
    definition: str


@dataclass(frozen=True)
class Scores:
    groups: list[Group]
    total: float
    max_points: int = 100


def scores(scope, period) -> Scores:
    return Scores(groups=[], total=0)


def ranking(level, period) -> list:
    return []
