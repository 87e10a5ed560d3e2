"""What the import preview shows before anything is stored: a mapping guessed from the source's
column names, and each previewed row's problems — the ones the standardization would fix or
could not (an invalid CCCD, an unreadable date, an old phone prefix, legacy-font text…).
"""

import re

from haicap.units.folding import fold

# Folded, separator-free column names old systems use for each canonical field.
COLUMN_NAMES = {
    "full_name": ("hoten", "hovaten", "hotencongdan", "fullname", "name", "hotenday"),
    "family_name": ("ho", "holot", "familyname", "lastname", "surname"),
    "middle_name": ("dem", "tendem", "middlename", "lot"),
    "given_name": ("ten", "tenrieng", "givenname", "firstname", "tengoi"),
    "birth_date": ("ngaysinh", "ngaythangnamsinh", "namsinh", "dob", "birthdate",
                   "dateofbirth", "ngaysinhcongdan"),
    "gender": ("gioitinh", "gioi", "phai", "gender", "sex"),
    "national_id": ("socccd", "cccd", "socmnd", "cmnd", "sodinhdanh", "madinhdanh",
                    "socancuoc", "nationalid", "idnumber", "cmndcccd", "sogiayto"),
    "phone": ("dienthoai", "sodienthoai", "sdt", "dt", "phone", "mobile", "didong"),
    "address": ("diachi", "noicutru", "diachithuongtru", "thuongtru", "noio", "address",
                "diachilienhe"),
    "father_name": ("hotencha", "tencha", "cha", "father", "fathername"),
    "mother_name": ("hotenme", "tenme", "me", "mother", "mothername"),
    "household_ref": ("sohokhau", "mahogiadinh", "maho", "hokhau", "household", "householdid",
                      "sohogiadinh"),
    "updated_at": ("ngaycapnhat", "capnhat", "updatedat", "lastupdate", "ngaysua",
                   "modified"),
}
_SEPARATORS = re.compile(r"[^a-z0-9]")


def _bare(name: str) -> str:
    return _SEPARATORS.sub("", fold(name))


def suggest_mapping(columns: list[str]) -> dict[str, str]:
    """{canonical field: source column} for the columns whose names say what they hold."""
    by_name = {_bare(column): column for column in columns}
    found = {}
    for field, names in COLUMN_NAMES.items():
        column = next((by_name[name] for name in names if name in by_name), None)
        if column and column not in found.values():
            found[field] = column
    if "full_name" in found and "family_name" in found:
        del found["full_name"]  # "Ho" + "Ten": the name comes in parts
    return found


def row_problems(values: dict[str, str]) -> list[dict]:
    """The problems of one row's canonical values, each {"field", "code", "message"}."""
    from haicap.mdm.standardize import standardize_row

    return [{"field": fix.field, "code": fix.rule, "message": fix.message}
            for fix in standardize_row(values) if fix.is_problem]
