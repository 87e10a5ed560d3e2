"""Text from before Unicode — the Vietnamese font encodings TCVN3 (ABC) and VNI-Windows,
Windows-1258, and UTF-8 read as Windows-1252 — detected and converted, for a whole file's bytes
and for one field.

- **TCVN3** (TCVN 5712:1993, the ".Vn…" fonts) is single-byte: each byte of 0xA1–0xFE is one
  precomposed letter (0xB8 "á", 0xD4 "ễ", 0xA7 "Đ"…). Upper-case toned letters live in a separate
  font (".VnTimeH") that draws the same lower-case bytes as capitals, so an all-capital word comes
  back with lower-case toned letters and is put in capitals again.
- **VNI-Windows** writes a base letter followed by mark bytes: "e" + 0xE3 ("ã") is "ễ", "a" +
  0xEA ("ê") is "ă"; ơ, ư, đ, ỵ and the toned i's are single bytes.
- Read as Windows-1252 both become mojibake: "NguyÔn V¨n An" (TCVN3), "Nguyeãn Vaên An" (VNI);
  UTF-8 read as Windows-1252 gives "Nguyá»…n".

The tables below are written from the published code charts. Detection never trusts a single
character: many mojibake characters ("ã", "é", "ù") are Vietnamese letters too. A candidate
reading wins only when more of its words are well-formed Vietnamese syllables than in the text as
it is (``syllable_score``).
"""

import re
import unicodedata
from functools import lru_cache

import pyarrow as pa
import pyarrow.compute as pc
from django.utils.translation import gettext as _

from haicap.core.errors import DomainError

TCVN3 = "tcvn3"
VNI = "vni"
UTF8_AS_CP1252 = "utf8"

# -- TCVN3 -----------------------------------------------------------------------------------------

# Untoned letters with a mark: capitals 0xA1–0xA7, small 0xA8–0xAE.
_TCVN3_PLAIN = dict(zip(range(0xA1, 0xAF), "ĂÂÊÔƠƯĐăâêôơưđ", strict=True))
# Each vowel's five toned forms (grave, hook, tilde, acute, dot below) and their bytes.
_TCVN3_TONED = (
    ("àảãáạ", (0xB5, 0xB6, 0xB7, 0xB8, 0xB9)),
    ("ằẳẵắặ", (0xBB, 0xBC, 0xBD, 0xBE, 0xC6)),
    ("ầẩẫấậ", (0xC7, 0xC8, 0xC9, 0xCA, 0xCB)),
    ("èẻẽéẹ", (0xCC, 0xCE, 0xCF, 0xD0, 0xD1)),
    ("ềểễếệ", (0xD2, 0xD3, 0xD4, 0xD5, 0xD6)),
    ("ìỉĩíị", (0xD7, 0xD8, 0xDC, 0xDD, 0xDE)),
    ("òỏõóọ", (0xDF, 0xE1, 0xE2, 0xE3, 0xE4)),
    ("ồổỗốộ", (0xE5, 0xE6, 0xE7, 0xE8, 0xE9)),
    ("ờởỡớợ", (0xEA, 0xEB, 0xEC, 0xED, 0xEE)),
    ("ùủũúụ", (0xEF, 0xF1, 0xF2, 0xF3, 0xF4)),
    ("ừửữứự", (0xF5, 0xF6, 0xF7, 0xF8, 0xF9)),
    ("ỳỷỹýỵ", (0xFA, 0xFB, 0xFC, 0xFD, 0xFE)),
)
TCVN3_BYTES = {**_TCVN3_PLAIN,
               **{byte: letter for letters, codes in _TCVN3_TONED
                  for letter, byte in zip(letters, codes, strict=True)}}

# -- VNI-Windows -----------------------------------------------------------------------------------

_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT = "\u0300", "\u0301", "\u0309", "\u0303", "\u0323"
_CIRCUMFLEX, _BREVE = "\u0302", "\u0306"
# Mark bytes that follow a base letter (small-letter byte, capital byte, combining marks).
_VNI_MARKS = (
    (0xF9, 0xD9, _ACUTE), (0xF8, 0xD8, _GRAVE), (0xFB, 0xDB, _HOOK), (0xF5, 0xD5, _TILDE),
    (0xEF, 0xCF, _DOT),
    (0xE2, 0xC2, _CIRCUMFLEX), (0xE1, 0xC1, _CIRCUMFLEX + _ACUTE),
    (0xE0, 0xC0, _CIRCUMFLEX + _GRAVE), (0xE5, 0xC5, _CIRCUMFLEX + _HOOK),
    (0xE3, 0xC3, _CIRCUMFLEX + _TILDE), (0xE4, 0xC4, _CIRCUMFLEX + _DOT),
    (0xEA, 0xCA, _BREVE), (0xE9, 0xC9, _BREVE + _ACUTE), (0xE8, 0xC8, _BREVE + _GRAVE),
    (0xFA, 0xDA, _BREVE + _HOOK), (0xFC, 0xDC, _BREVE + _TILDE), (0xEB, 0xCB, _BREVE + _DOT),
)
# Letters VNI writes as one byte (small-letter byte, capital byte, small letter).
_VNI_SINGLE = (
    (0xF4, 0xD4, "ơ"), (0xF6, 0xD6, "ư"), (0xF1, 0xD1, "đ"),
    (0xED, 0xCD, "í"), (0xEC, 0xCC, "ì"), (0xE6, 0xC6, "ỉ"), (0xF3, 0xD3, "ĩ"), (0xF2, 0xD2, "ị"),
    (0xEE, 0xCE, "ỵ"),
)
VNI_BYTES = {
    **{small: marks for small, _capital, marks in _VNI_MARKS},
    **{capital: marks for _small, capital, marks in _VNI_MARKS},
    **{small: letter for small, _capital, letter in _VNI_SINGLE},
    **{capital: letter.upper() for _small, capital, letter in _VNI_SINGLE},
}

# -- how a byte shows when read as Windows-1252 ----------------------------------------------------


def _shown(byte: int) -> str:
    """The character a byte becomes when the text is read as Windows-1252 (Latin-1 where
    Windows-1252 leaves the byte undefined)."""
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return chr(byte)


_SHOWN_TO_BYTE = {_shown(byte): byte for byte in range(0x80, 0x100)}
_SHOWN_TO_BYTE.update({chr(byte): byte for byte in range(0x80, 0xA0)})  # read as Latin-1
_TCVN3_FIELD = str.maketrans({_shown(byte): letter for byte, letter in TCVN3_BYTES.items()})
_VNI_FIELD = str.maketrans({_shown(byte): text for byte, text in VNI_BYTES.items()})
_BYTES_SHOWN = "".join(_shown(byte) for byte in range(256))

# Characters mojibake is made of: what Windows-1252 shows for bytes 0x80–0xFF.
MOJIBAKE_CHARACTERS = frozenset(_SHOWN_TO_BYTE)
_MOJIBAKE_ALPHABET = frozenset(map(chr, range(0x80))) | MOJIBAKE_CHARACTERS
# ASCII and the Vietnamese letters of Latin-1 (à á â ã è é ê ì í ò ó ô õ ù ú ý and capitals).
_VIETNAMESE_ALPHABET = frozenset(map(chr, range(0x80))) | frozenset(
    "àáâãèéêìíòóôõùúýÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝ")
WEAK_MARGIN = 0.49

# -- Vietnamese syllables --------------------------------------------------------------------------

_ONSETS = ("ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr",
           "b", "c", "d", "đ", "g", "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x")
# Vowel groups that may take a final consonant, and those ending in a glide that may not.
_OPEN_VOWELS = ("a", "ă", "â", "e", "ê", "i", "o", "ô", "ơ", "u", "ư", "y", "iê", "oa", "oă",
                "oe", "oo", "uâ", "uê", "uô", "uơ", "uy", "ươ", "yê", "uyê")
_CLOSED_VOWELS = ("ai", "ao", "au", "ay", "âu", "ây", "eo", "êu", "ia", "iu", "oi", "ôi", "ơi",
                  "ua", "ui", "ưa", "ưi", "ưu", "iêu", "yêu", "oai", "oay", "oao", "oeo", "uây",
                  "uôi", "ươi", "ươu", "uya", "uyu")
_CODAS = ("ng", "nh", "ch", "c", "m", "n", "p", "t")


def _alternatives(options) -> str:
    return "|".join(sorted(options, key=len, reverse=True))


_SYLLABLE = re.compile(
    f"(?:{_alternatives(_ONSETS)})?(?:(?P<open>{_alternatives(_OPEN_VOWELS)})"
    f"(?P<coda>{_alternatives(_CODAS)})?|(?P<closed>{_alternatives(_CLOSED_VOWELS)}))")
_MARKED = frozenset("ăâêôơư")
_EITHER_STYLE = frozenset(("oa", "oe", "uy"))  # "hòa" and "hoà" are both written
_TONE_MARKS = frozenset((_GRAVE, _ACUTE, _HOOK, _TILDE, _DOT))


# A word: letters, combining marks and the characters mojibake is made of (TCVN3 writes "ư" as a
# soft hyphen, "Đ" as "§"), so that "Tr\xadêng" is one word, not "Tr" and "êng".
_WORD = re.compile("(?:[^\\W\\d_]|[\u0300-\u036f" + re.escape("".join(
    sorted(MOJIBAKE_CHARACTERS - {"\xa0"}))) + "])+")


@lru_cache(maxsize=65536)
def is_syllable(word: str) -> bool:
    """A well-formed Vietnamese syllable: onset, vowels, final consonant, and at most one tone,
    on a vowel where either tone-mark style puts it ("lẽo" is one, "leõ" is not)."""
    letters, toned = [], []
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in _TONE_MARKS:
            toned.append(len(letters) - 1)
        elif unicodedata.combining(ch) and letters:
            letters[-1] += ch
        else:
            letters.append(ch)
    untoned = unicodedata.normalize("NFC", "".join(letters))
    match = _SYLLABLE.fullmatch(untoned)
    if not match or len(toned) > 1 or len(untoned) != len(letters):
        return False
    if not toned:
        return True
    group = "open" if match.group("open") else "closed"
    start, vowels = match.start(group), match.group(group)
    return toned[0] - start in _tone_places(vowels, bool(match.group("coda")))


def _tone_places(vowels: str, coda: bool) -> set[int]:
    marked = [i for i, ch in enumerate(vowels) if ch in _MARKED]
    if marked:
        return {marked[-1]}
    if coda:
        return {len(vowels) - 1}
    if len(vowels) == 3:
        return {1}
    return {0, 1} if vowels in _EITHER_STYLE else {0}


def syllable_score(text: str) -> float:
    """Of the words with a non-ASCII letter, the share that are Vietnamese syllables (1.0 when
    there are none)."""
    marked = [word for word in _WORD.findall(text) if not word.isascii()]
    if not marked:
        return 1.0
    return sum(map(is_syllable, marked)) / len(marked)


# -- one field -------------------------------------------------------------------------------------

# A word with a capital ASCII letter and a non-ASCII letter.
_CAPITAL_WORD = re.compile(r"\b(?=[^\W\d_]*[A-Z])(?=[^\W\d_]*[^\x00-\x7f])[^\W\d_]+")


def _capital_word(match: re.Match) -> str:
    text = match.group()
    ascii_letters = [ch for ch in text if ch.isascii()]
    if len(ascii_letters) > 1 and all(ch.isupper() for ch in ascii_letters):
        return text.upper()
    return text


def _capitals_again(text: str) -> str:
    """TCVN3 capitals typed in the ".VnTimeH" font come back small: a word whose ASCII letters are
    all capitals is put in capitals ("NGUYễN" → "NGUYỄN")."""
    return _CAPITAL_WORD.sub(_capital_word, text)


def tcvn3_field(text: str) -> str:
    """TCVN3 text that was read as Windows-1252, in Unicode."""
    return _capitals_again(text.translate(_TCVN3_FIELD))


def vni_field(text: str) -> str:
    """VNI-Windows text that was read as Windows-1252, in Unicode (NFC)."""
    return unicodedata.normalize("NFC", text.translate(_VNI_FIELD))


def utf8_field(text: str) -> str | None:
    """UTF-8 text that was read as Windows-1252, in Unicode; None when the bytes are not UTF-8."""
    try:
        data = bytes(_SHOWN_TO_BYTE.get(ch, ord(ch)) for ch in text)
        return data.decode("utf-8")
    except (UnicodeDecodeError, ValueError):
        return None


_FIELD_READINGS = ((UTF8_AS_CP1252, utf8_field), (TCVN3, tcvn3_field), (VNI, vni_field))


# A character no mojibake has: searching for one is much faster than building a set per text.
_BEYOND_MOJIBAKE = re.compile(
    "[^" + "".join(re.escape(ch) for ch in sorted(_MOJIBAKE_ALPHABET)) + "]")


def could_be_mojibake(text: str) -> bool:
    """Only ASCII and Windows-1252 characters, at least one of them not ASCII: Unicode
    Vietnamese almost always has a letter beyond (ă, đ, ơ, ư, ạ…), mojibake never does."""
    return not text.isascii() and _BEYOND_MOJIBAKE.search(text) is None


# The same test over an Arrow column of texts, in RE2: only ASCII and Windows-1252 characters.
_MOJIBAKE_ONLY = "^[\\x{0}-\\x{7f}" + "".join(
    f"\\x{{{ord(ch):x}}}" for ch in sorted(MOJIBAKE_CHARACTERS) if ord(ch) > 0x7F) + "]*$"


def could_be_mojibake_column(texts: pa.Array) -> pa.Array:
    """`could_be_mojibake` of each text of an Arrow column (false for null)."""
    return pc.fill_null(pc.and_(pc.invert(pc.string_is_ascii(texts)),
                                pc.match_substring_regex(texts, _MOJIBAKE_ONLY)), False)


def readings(text: str) -> tuple[tuple[str, str | None, float], ...]:
    """The readings of a text that could be mojibake that score best, each (text, encoding,
    score); the text as it is (encoding None) when no reading does better. Several when tied."""
    if not could_be_mojibake(text):
        return ((text, None, 1.0),)
    return _legacy_readings(text)


@lru_cache(maxsize=65536)
def _legacy_readings(text: str) -> tuple[tuple[str, str | None, float], ...]:
    best = [(text, None, syllable_score(text))]
    # Made only of letters Unicode Vietnamese uses too ("Lê Khánh Khuè", with a typo): read as
    # legacy text only when that makes at least half the words more into syllables.
    margin = WEAK_MARGIN if set(text) <= _VIETNAMESE_ALPHABET else 0.0
    for encoding, read in _FIELD_READINGS:
        converted = read(text)
        if converted is None or converted == text:
            continue
        score = syllable_score(converted)
        if score > best[0][2] + (margin if best[0][1] is None else 0.0):
            best = [(converted, encoding, score)]
        elif score == best[0][2] and best[0][1] is not None:
            best.append((converted, encoding, score))
    return tuple(best)


def repair(text: str, prefer: str | None = None) -> tuple[str, str | None]:
    """(the text in Unicode, the legacy encoding it was in — TCVN3, VNI, UTF8_AS_CP1252 — or None
    when it was fine as it is). When two encodings read equally well ("Löu Thò" is "Lưu Thị" in
    VNI and "Lửu Thũ" in TCVN3), `prefer` decides — the encoding most of the source's text is
    in (``prevailing_encoding``) — else the first of UTF-8, TCVN3, VNI. Text made only of letters
    Unicode Vietnamese uses too is read in no other encoding than the preferred one."""
    found = readings(text)
    chosen = next((item for item in found if item[1] == prefer), found[0])
    if prefer and chosen[1] not in (None, prefer) and set(text) <= _VIETNAMESE_ALPHABET:
        return text, None  # a typo in Unicode text ("Lê Minh Hòy"), not the other encoding
    return chosen[0], chosen[1]


def prevailing_encoding(texts) -> str | None:
    """The legacy encoding most of the texts that read unambiguously are in, if any."""
    counts: dict[str, int] = {}
    for text in texts:
        if text:
            found = readings(text)
            if len(found) == 1 and found[0][1]:
                counts[found[0][1]] = counts.get(found[0][1], 0) + 1
    return max(counts, key=counts.get) if counts else None


# -- whole files -----------------------------------------------------------------------------------

UTF8 = "utf-8"
UTF8_SIG = "utf-8-sig"
UTF16 = "utf-16"
CP1258 = "cp1258"
FILE_ENCODINGS = (UTF8, UTF8_SIG, UTF16, CP1258, TCVN3, VNI)

SAMPLE_BYTES = 1 << 20  # the detection reads the first megabyte
MIN_SCORE = 0.75  # share of marked words that must be Vietnamese syllables
_BINARY = re.compile(rb"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_TCVN3_FILE = str.maketrans({chr(byte): letter for byte, letter in TCVN3_BYTES.items()})


class UnknownEncoding(DomainError):
    status = 422
    code = "unknown_encoding"


def _tcvn3_file(data: bytes) -> str:
    text = data.decode("latin-1").translate(_TCVN3_FILE)
    # Bytes TCVN3 leaves to Windows punctuation (0x80–0x9F: quotes, dashes).
    text = text.translate({byte: _BYTES_SHOWN[byte] for byte in range(0x80, 0xA0)})
    return _capitals_again(text)


def _cp1252(data: bytes) -> str:
    return data.decode("latin-1").translate(
        {byte: _BYTES_SHOWN[byte] for byte in range(0x80, 0xA0)})


def _vni_file(data: bytes) -> str:
    return vni_field(_cp1252(data))


def _cp1258_file(data: bytes) -> str | None:
    try:
        return unicodedata.normalize("NFC", data.decode("cp1258"))
    except UnicodeDecodeError:
        return None


def _utf16(data: bytes) -> str | None:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        codec = "utf-16"
    else:  # no byte-order mark: the zero bytes of ASCII characters tell the order
        codec = "utf-16-le" if data[1:200:2].count(0) >= data[0:200:2].count(0) else "utf-16-be"
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


_SINGLE_BYTE = ((CP1258, _cp1258_file), (TCVN3, _tcvn3_file), (VNI, _vni_file))


def detect_file_encoding(data: bytes) -> str:
    """One of FILE_ENCODINGS, or UnknownEncoding when the bytes read as Vietnamese in none."""
    return _read(data)[1]


def decode_file(data: bytes) -> tuple[str, str]:
    """(the file's text in Unicode NFC, the encoding it was in)."""
    return _read(data)


def _read(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return _utf8(data[3:], UTF8_SIG)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:SAMPLE_BYTES]:
        text = _utf16(data)
        if text is None or _BINARY.search(text.encode("utf-8", "replace")):
            raise _unknown()
        return unicodedata.normalize("NFC", text.lstrip("\ufeff")), UTF16
    if _BINARY.search(data[:SAMPLE_BYTES]):
        raise _unknown()
    try:
        return _utf8(data, UTF8)
    except UnicodeDecodeError:
        pass
    sample = data[:SAMPLE_BYTES]
    scores = []
    for encoding, read in _SINGLE_BYTE:
        text = read(sample)
        if text is not None:
            scores.append((syllable_score(text), -len(scores), encoding))
    if not scores or max(scores)[0] < MIN_SCORE:
        raise _unknown()
    encoding = max(scores)[2]
    text = dict(_SINGLE_BYTE)[encoding](data)
    if text is None:
        raise _unknown()
    return unicodedata.normalize("NFC", text), encoding


def _utf8(data: bytes, encoding: str) -> tuple[str, str]:
    return unicodedata.normalize("NFC", data.decode("utf-8")), encoding


def _unknown() -> UnknownEncoding:
    return UnknownEncoding(_("The file's character encoding could not be recognised; save it "
                             "as UTF-8 (or TCVN3, VNI, Windows-1258) and try again."))
