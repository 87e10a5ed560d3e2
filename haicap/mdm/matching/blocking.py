"""How many pairs each blocking rule makes, counted by Splink's own blocking analysis: the
figures behind the blocking choices and the national sizing in docs/scaling.md."""

from dataclasses import dataclass

import pyarrow as pa

from haicap.mdm.matching import settings as matching_settings
from haicap.mdm.matching.prepare import matching_input


@dataclass(frozen=True)
class RuleCount:
    rule: str
    pairs: int       # pairs this rule adds to those of the rules before it
    cumulative: int


def count_pairs(records: pa.Table, *, sample: float = 1.0) -> list[RuleCount]:
    from splink import DuckDBAPI
    from splink.blocking_analysis import count_comparisons_from_blocking_rules

    api = DuckDBAPI()
    frame = api.register(matching_input(records))
    counted = count_comparisons_from_blocking_rules(
        frame, blocking_rules=matching_settings.blocking_rules(), link_type="dedupe_only",
        unique_id_column_name=matching_settings.UNIQUE_ID, record_sample_proportion=sample)
    return [RuleCount(rule=row["blocking_rule"], pairs=int(row["marginal_comparison_count"]),
                      cumulative=int(row["cumulative_comparison_count"])) for row in counted]
