"""What is compared and which pairs are compared at all: the Splink settings our models start
from, and the matching input they read.

Comparisons are written as plain SQL levels over columns the matching input prepares (folded
names, the name's words sorted, birth day/month/day-number as integers), so the same saved model
runs on DuckDB and, after a function-name translation (`spark.py`), on Spark.

Blocking: Nguyễn is about 38 % of people, so no rule blocks on a surname alone. Several narrow
rules each catch what the others miss (a CCCD typo is caught by the phone or by birth date and
given name; a swapped day/month by full name and birth year, and so on), and every blocking key is
capped: a key value shared by more than `cap` records (a clinic's phone typed for every patient,
"nguyen van an" born 1990 in a big province) is dropped from that rule, so no block grows
quadratically and the pair count stays near-linear in the record count. Records dropped from one
rule are still reached by the others.
"""

from dataclasses import dataclass

# Level labels are saved in the model's JSON as written here and translated where shown.
from django.utils.translation import gettext_noop as _

UNIQUE_ID = "record_key"
# The matching input's columns the comparisons' levels read (as <column>_l and <column>_r).
COMPARED_COLUMNS = ("name_folded", "name_sorted", "given_folded", "family_folded", "birth_date",
                    "birth_year", "birth_month", "birth_day", "birth_days", "gender",
                    "national_id", "old_id_number", "phone", "commune_code", "province_code",
                    "address", "father_folded", "mother_folded")


@dataclass(frozen=True)
class BlockingKey:
    name: str
    columns: tuple[str, ...]  # matching-input columns whose values together are the key
    cap: int  # more records than this with one key value: the value is not used


# The cap of the rules on a birth date or a name: a value shared by more than ten records is a
# common name or birth date, not a person. Measured on the generated data (docs/scaling.md): from
# 20 to 10 the candidate pairs at 1M people fall from 14.8 M to 8.4 M (scoring time with them)
# and the true pairs any rule finds by 0.04 % (0.08 % of the hard data's).
BROAD_CAP = 10

BLOCKING_KEYS = (
    BlockingKey("block_cccd", ("national_id",), 8),
    BlockingKey("block_cmnd", ("old_id_number",), 8),
    BlockingKey("block_phone", ("phone",), 12),
    BlockingKey("block_dob_given", ("birth_date", "given_folded"), BROAD_CAP),
    BlockingKey("block_dob_commune", ("birth_date", "commune_code"), BROAD_CAP),
    BlockingKey("block_name_year", ("name_folded", "birth_year"), BROAD_CAP),
    BlockingKey("block_initials_dob", ("initials", "birth_date"), BROAD_CAP),
    BlockingKey("block_name_commune", ("name_sorted", "commune_code"), BROAD_CAP),
)

# The two rules EM trains m on: each leaves the other's columns free to be estimated.
TRAINING_BLOCKS = ("l.block_cccd = r.block_cccd", "l.block_dob_given = r.block_dob_given")
# Pairs we take as near-certain when estimating the share of matching pairs.
DETERMINISTIC_RULES = (
    "l.national_id = r.national_id",
    "l.name_folded = r.name_folded AND l.birth_date = r.birth_date",
)
DETERMINISTIC_RECALL = 0.8


def _null(*columns: str) -> dict:
    sides = " OR ".join(f"{c}_l IS NULL OR {c}_r IS NULL" for c in columns)
    return {"sql_condition": sides, "label_for_charts": _("missing"), "is_null_level": True}


def _level(condition: str, label: str) -> dict:
    return {"sql_condition": condition, "label_for_charts": label}


ELSE = {"sql_condition": "ELSE", "label_for_charts": _("different")}

# Two valid identity numbers that differ by more than one digit belong to two people but for a
# rare double typo: m is fixed, not learned — EM on blocks full of namesakes and twins learns it
# far too weak (it took 27 % of matches to carry different CCCDs on the easy synthetic data).
DIFFERENT_NUMBER = {"sql_condition": "ELSE", "label_for_charts": _("different"),
                    "m_probability": 0.005, "fix_m_probability": True}


# A CCCD in the matching input always has 12 digits, so one digit wrong or two swapped differ in
# at most two places: the Hamming count (a cheap pass over the digits) rules most pairs out before
# the Damerau-Levenshtein distance (thirty times dearer, most of the scoring time at 1M people)
# is computed. The same level either way.
ONE_DIGIT_OFF = ("hamming(national_id_l, national_id_r) <= 2 "
                 "AND damerau_levenshtein(national_id_l, national_id_r) <= 1")

# The given and family names are part of the full name: when the full names are equal they add
# nothing (a neutral level, m = u fixed), or a namesake with the same birth date would count the
# same name three times and merge without a steward.
COUNTED_IN_FULL_NAME = {"sql_condition": "name_folded_l = name_folded_r",
                        "label_for_charts": _("counted in the full name"),
                        "m_probability": 0.5, "u_probability": 0.5,
                        "fix_m_probability": True, "fix_u_probability": True}


def comparisons() -> list[dict]:
    return [
        {"output_column_name": "name", "comparison_description": "full name, folded",
         "comparison_levels": [
             _null("name_folded"),
             # Term-frequency adjusted: "nguyen van hung" agreeing says less than a rare name.
             {**_level("name_folded_l = name_folded_r", _("same full name")),
              "tf_adjustment_column": "name_folded", "tf_adjustment_weight": 1.0},
             _level("name_sorted_l = name_sorted_r", _("same words, another order")),
             _level("jaro_winkler_similarity(name_folded_l, name_folded_r) >= 0.95",
                    _("Jaro-Winkler ≥ 0.95")),
             _level("levenshtein(name_folded_l, name_folded_r) <= 2", _("one or two edits")),
             _level("jaro_winkler_similarity(name_folded_l, name_folded_r) >= 0.88",
                    _("Jaro-Winkler ≥ 0.88")),
             ELSE]},
        {"output_column_name": "given_name", "comparison_description": "given name, folded",
         "comparison_levels": [
             _null("given_folded"),
             COUNTED_IN_FULL_NAME,
             _level("given_folded_l = given_folded_r", _("same given name")),
             _level("jaro_winkler_similarity(given_folded_l, given_folded_r) >= 0.9",
                    _("Jaro-Winkler ≥ 0.9")),
             ELSE]},
        {"output_column_name": "family_name", "comparison_description": "family name, folded",
         "comparison_levels": [
             _null("family_folded"),
             COUNTED_IN_FULL_NAME,
             _level("family_folded_l = family_folded_r", _("same family name")),
             ELSE]},
        {"output_column_name": "birth_date", "comparison_description": "date of birth",
         "comparison_levels": [
             _null("birth_year"),
             _level("birth_date_l = birth_date_r", _("same date")),
             _level("birth_year_l = birth_year_r AND birth_day_l = birth_month_r "
                    "AND birth_month_l = birth_day_r", _("day and month swapped")),
             _level("(birth_date_l IS NULL OR birth_date_r IS NULL) "
                    "AND birth_year_l = birth_year_r", _("same year, one side year only")),
             _level("abs(birth_days_l - birth_days_r) <= 365", _("within a year")),
             ELSE]},
        {"output_column_name": "national_id", "comparison_description": "CCCD",
         "comparison_levels": [
             _null("national_id"),
             _level("national_id_l = national_id_r", _("same CCCD")),
             _level(ONE_DIGIT_OFF, _("one digit wrong or two swapped")),
             DIFFERENT_NUMBER]},
        {"output_column_name": "old_id_number", "comparison_description": "old CMND",
         "comparison_levels": [
             _null("old_id_number"),
             _level("old_id_number_l = old_id_number_r", _("same CMND")),
             DIFFERENT_NUMBER]},
        {"output_column_name": "address", "comparison_description": "commune and street",
         "comparison_levels": [
             _null("address"),
             _level("commune_code_l = commune_code_r "
                    "AND jaro_winkler_similarity(address_l, address_r) >= 0.92",
                    _("same commune, street alike")),
             _level("commune_code_l = commune_code_r", _("same commune")),
             _level("province_code_l = province_code_r", _("same province")),
             ELSE]},
        {"output_column_name": "phone", "comparison_description": "phone",
         "comparison_levels": [
             _null("phone"),
             _level("phone_l = phone_r", _("same phone")),
             ELSE]},
        {"output_column_name": "gender", "comparison_description": "gender",
         "comparison_levels": [
             _null("gender"),
             _level("gender_l = gender_r", _("same gender")),
             ELSE]},
        {"output_column_name": "parents", "comparison_description": "parents' names, folded",
         "comparison_levels": [
             {"sql_condition": "(father_folded_l IS NULL OR father_folded_r IS NULL) "
                               "AND (mother_folded_l IS NULL OR mother_folded_r IS NULL)",
              "label_for_charts": _("missing"), "is_null_level": True},
             _level("father_folded_l = father_folded_r AND mother_folded_l = mother_folded_r",
                    _("both parents' names")),
             _level("father_folded_l = father_folded_r OR mother_folded_l = mother_folded_r",
                    _("one parent's name")),
             ELSE]},
    ]


def blocking_rules() -> list[str]:
    return [f"l.{key.name} = r.{key.name}" for key in BLOCKING_KEYS]


def initial_settings() -> dict:
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": UNIQUE_ID,
        "comparisons": comparisons(),
        "blocking_rules_to_generate_predictions": blocking_rules(),
        # Splink 5 writes gamma_<comparison> only with the matching columns; pairs_sql keeps
        # what the contract needs.
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": True,
        "additional_columns_to_retain": [],
    }


def input_sql(table: str, *, also: tuple[str, ...] = ()) -> str:
    """The matching input's compared columns from a standardized-records table (DuckDB SQL), and
    the columns `also` names as they are; `prepare` adds the capped blocking keys."""
    return f"""
        SELECT record_key, {''.join(f"{column}, " for column in also)}name_folded,
               array_to_string(list_sort(string_split(name_folded, ' ')), ' ') AS name_sorted,
               array_to_string(list_transform(string_split(name_folded, ' '),
                                              lambda w: left(w, 1)), '') AS initials,
               given_folded, family_folded, birth_date,
               CAST(birth_year AS INTEGER) AS birth_year,
               CAST(month(birth_date) AS INTEGER) AS birth_month,
               CAST(day(birth_date) AS INTEGER) AS birth_day,
               CAST(date_diff('day', DATE '1970-01-01', birth_date) AS INTEGER) AS birth_days,
               gender, national_id, old_id_number, phone, commune_code, province_code,
               strip_accents(lower(address)) AS address, father_folded, mother_folded
        FROM {table}
    """
