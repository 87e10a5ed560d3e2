"""Legacy Vietnamese encodings: TCVN3 and VNI mojibake in fields, whole files in any encoding."""

import unicodedata

import pytest

from haicap.mdm.legacy import (
    TCVN3,
    TCVN3_BYTES,
    UTF8_AS_CP1252,
    VNI,
    UnknownEncoding,
    decode_file,
    detect_file_encoding,
    prevailing_encoding,
    repair,
)

_TONES = "\u0300\u0301\u0303\u0309\u0323"


def _tcvn3_bytes(text: str) -> bytes:
    """How a TCVN3 font stored the text (lower-case toned letters only, as the fonts did)."""
    by_letter = {letter: byte for byte, letter in TCVN3_BYTES.items()}
    return bytes(by_letter.get(ch, ord(ch)) for ch in text)


def _cp1258_bytes(text: str) -> bytes:
    """Windows-1258: base letters with their vowel marks, then the tone as a combining byte."""
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        decomposed = unicodedata.normalize("NFD", ch)
        tone = "".join(c for c in decomposed if c in _TONES)
        base = unicodedata.normalize("NFC", "".join(c for c in decomposed if c not in _TONES))
        out += (base + tone).encode("cp1258")
    return out


@pytest.mark.parametrize(("mojibake", "text"), [
    ("NguyÔn V¨n An", "Nguyễn Văn An"),
    ("Céng hßa x· héi chñ nghÜa ViÖt Nam", "Cộng hòa xã hội chủ nghĩa Việt Nam"),
    ("§éc lËp - Tù do - H¹nh phóc", "Độc lập - Tự do - Hạnh phúc"),
    ("Tr\xadêng", "Trường"),  # ư is a soft hyphen in TCVN3
    ("B¶o Th¾ng", "Bảo Thắng"),
    ("Lª Tó Anh", "Lê Tú Anh"),
])
def test_tcvn3_text_read_as_windows_1252_is_converted(mojibake, text):
    assert repair(mojibake) == (text, TCVN3)


def test_tcvn3_capitals_from_the_h_font_come_back_as_capitals():
    assert repair("NGUYÔN V¡N AN") == ("NGUYỄN VĂN AN", TCVN3)


@pytest.mark.parametrize(("mojibake", "text"), [
    ("Nguyeãn Vaên An", "Nguyễn Văn An"),
    ("NGUYEÃN VAÊN AN", "NGUYỄN VĂN AN"),
    ("Thaønh phoá Hoà Chí Minh", "Thành phố Hồ Chí Minh"),
    ("Tröôøng", "Trường"),
    ("Ñaø Naüng", "Đà Nẵng"),
    ("Lyù Thò Hoa", "Lý Thị Hoa"),
    ("Leâ Tuù Anh", "Lê Tú Anh"),
    ("Mî Chaâu", "Mỵ Châu"),  # ỵ is one byte
    ("Leâ Minh", "Lê Minh"),  # TCVN3 would give "Leõ": a tone where no style puts it
    ("Phaïm Minh Nhaät", "Phạm Minh Nhật"),  # "aï" and "aä" are no TCVN3 syllables
])
def test_vni_text_read_as_windows_1252_is_converted(mojibake, text):
    assert repair(mojibake) == (text, VNI)


def test_text_that_reads_equally_well_in_two_encodings_takes_the_preferred_one():
    assert repair("Löu Thò Linh", VNI) == ("Lưu Thị Linh", VNI)
    assert repair("Löu Thò Linh", TCVN3) == ("Lửu Thũ Linh", TCVN3)


def test_unicode_with_a_typo_is_not_read_in_an_encoding_other_than_the_prevailing_one():
    assert repair("Lê Minh Hòy", VNI) == ("Lê Minh Hòy", None)


def test_prevailing_encoding_counts_only_unambiguous_texts():
    texts = ["Nguyeãn Vaên An", "Traàn Thò Leä", "Löu Thò Linh", "NguyÔn V¨n An", "Hà Nội"]
    assert prevailing_encoding(texts) == VNI


def test_utf8_read_as_windows_1252_is_repaired():
    assert repair("Nguyá»…n VÄƒn An") == ("Nguyễn Văn An", UTF8_AS_CP1252)


@pytest.mark.parametrize("text", ["Lê Tú Anh", "Hà Nội", "Nguyễn Văn An", "Hồ Thị Mỹ Ý",
                                  "Nguyen Van An", "José Ramos", "Lê Khánh Khuè"])
def test_unicode_text_is_left_alone_even_when_made_of_latin_1_letters(text):
    assert repair(text) == (text, None)


def test_utf8_file_is_read_as_utf8():
    assert decode_file("Họ tên\nNguyễn Văn An\n".encode()) == ("Họ tên\nNguyễn Văn An\n", "utf-8")


def test_utf8_file_with_byte_order_mark_is_read_without_it():
    assert decode_file("\ufeffHọ tên\n".encode()) == ("Họ tên\n", "utf-8-sig")


def test_utf16_file_is_recognised():
    assert decode_file("Họ tên\nNguyễn Văn An\n".encode("utf-16")) == (
        "Họ tên\nNguyễn Văn An\n", "utf-16")


def test_decomposed_utf8_file_comes_back_in_nfc():
    text, _ = decode_file(unicodedata.normalize("NFD", "Thủy").encode())
    assert text == "Thủy"


SAMPLE = "Ho ten,Dia chi\nNguyễn Văn An,Hà Nội\nTrần Thị Thủy,Đà Nẵng\nLê Quốc Hùng,Hội An\n"


def test_windows_1258_file_is_recognised():
    assert decode_file(_cp1258_bytes(SAMPLE)) == (SAMPLE, "cp1258")


def test_tcvn3_file_is_recognised():
    assert decode_file(_tcvn3_bytes(SAMPLE)) == (SAMPLE, "tcvn3")


def test_vni_file_is_recognised():
    data = ("Ho ten,Dia chi\nNguyeãn Vaên An,Haø Noäi\nTraàn Thò Thuûy,Ñaø Naüng\n"
            "Leâ Quoác Huøng,Hoäi An\n").encode("cp1252")
    assert decode_file(data) == (SAMPLE, "vni")


def test_binary_file_is_refused_as_unknown_encoding():
    with pytest.raises(UnknownEncoding) as refused:
        detect_file_encoding(bytes(range(256)) * 4)
    assert refused.value.code == "unknown_encoding"


def test_western_text_that_reads_as_no_vietnamese_is_refused():
    with pytest.raises(UnknownEncoding):
        detect_file_encoding("Name\nJosé Müller, façade\nRenée Søndergård\n".encode("cp1252"))
