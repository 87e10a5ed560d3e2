"""Statistical disclosure control of the published counts (k-anonymity threshold K = 5).

Primary suppression: a count from 1 to K − 1 is published as an empty cell (zero stays: it
names nobody). Subsets of a hidden count are hidden too: with 3 dossiers received hidden, an
"online 0" beside it would still say that every one of those few applicants came in person.
Complementary suppression: a count that is the sum of others in the same row (finished = on
time + late) would give back a hidden part by subtraction, so whenever exactly one cell of such
a relation is hidden, the smallest other cell of it is hidden too. Totals across rows (per
commune, per month, the province) are not published at all, so no margin can give a hidden cell
back either.
"""

K = 5
# (total, parts): total = sum(parts) within one row of the dossier statistics.
RELATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (("finished", ("on_time", "late")),)
# (whole, subsets): each subset counts some of the whole's dossiers (subset ≤ whole).
SUBSETS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("received", ("online",)), ("finished", ("on_time", "late")),
)


def is_small(count: int) -> bool:
    return 0 < count < K


def suppress(counts: dict[str, int], relations=RELATIONS,
             subsets=SUBSETS) -> tuple[dict[str, int | None], bool]:
    """The counts with small, subset and complementary cells set to None, and whether any was
    hidden."""
    hidden = {name for name, count in counts.items() if is_small(count)}
    for whole, parts in subsets:
        if whole in hidden:
            hidden.update(parts)
    while _hide_one_complement(counts, hidden, relations):
        pass
    return {name: None if name in hidden else count for name, count in counts.items()}, bool(hidden)


def _hide_one_complement(counts: dict[str, int], hidden: set[str], relations) -> bool:
    """Hide one more cell of the first relation with exactly one hidden cell; False if none."""
    for total, parts in relations:
        cells = (total, *parts)
        shown = [cell for cell in cells if cell not in hidden]
        if len(shown) == len(cells) - 1:
            hidden.add(min(shown, key=lambda cell: (counts[cell], cell)))
            return True
    return False
