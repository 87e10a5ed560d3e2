"""Folding Vietnamese text to comparison keys: no tone marks, no case, one tone-mark style.

"Hòa", "Hoà", "hoa" and "HOÀ" all fold to "hoa", so either tone-mark placement, decomposed or
precomposed Unicode and text typed without marks compare equal. Each word also gets a *marked*
signature (letters with their vowel marks, the tone kept once for the whole word) which is the
same for "hòa" and "hoà" but differs from "hóa": it breaks ties when the writer did use marks.
"""

import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

_WORD = re.compile(r"[^\W_]+")
_APOSTROPHES = re.compile(r"(?<=\w)[’'ʼ`](?=\w)")
_TONES = {"\u0300": "2", "\u0301": "1", "\u0303": "4", "\u0309": "3", "\u0323": "5"}
_NUMBERED = re.compile(r"^(p|q|f|phuong|quan)(\d+)$")


class Word(NamedTuple):
    """One word of an address (a tuple: made ten times an address, it must be cheap)."""

    bare: str  # "hoa"
    marked: str  # "hoa2": letters with vowel marks, then the tone once
    start: int  # span in the original text
    end: int


@lru_cache(maxsize=131072)
def fold_word(word: str) -> tuple[str, str]:
    """(bare, marked) keys of one word; numbers lose leading zeros ("01" → "1")."""
    if word.isdigit():
        number = str(int(word))
        return number, number
    decomposed = unicodedata.normalize("NFD", word.lower().replace("đ", "d").replace("Đ", "d"))
    bare, marked, tone = [], [], ""
    for ch in decomposed:
        if ch in _TONES:
            tone = _TONES[ch]
        elif unicodedata.combining(ch):
            marked.append(ch)
        else:
            bare.append(ch)
            marked.append(ch)
    return "".join(bare), unicodedata.normalize("NFC", "".join(marked)) + tone


def clean(text: str) -> str:
    """NFC text without apostrophes inside words ("H'Leo" → "HLeo"): the text spans refer to."""
    return _APOSTROPHES.sub("", unicodedata.normalize("NFC", text))


@lru_cache(maxsize=65536)
def words(text: str) -> tuple[Word, ...]:
    """The words of a cleaned text with keys and spans; "P1" and "Q.10" give two words each."""
    found = []
    for match in _WORD.finditer(text):
        bare, marked = fold_word(match.group())
        numbered = _NUMBERED.match(bare) if bare[-1].isdigit() else None
        if numbered:
            split = match.start() + len(numbered.group(1))
            found.append(Word(numbered.group(1), numbered.group(1), match.start(), split))
            number = str(int(numbered.group(2)))
            found.append(Word(number, number, split, match.end()))
        else:
            found.append(Word(bare, marked, match.start(), match.end()))
    return tuple(found)


def fold(text: str) -> str:
    """Lower-case words without tone marks, separated by single spaces."""
    return " ".join(word.bare for word in words(clean(text)))


def marked(text: str) -> str:
    return " ".join(word.marked for word in words(clean(text)))


def key(text: str) -> str:
    """The folded text without spaces: "Phường Hàng Bạc" → "phuonghangbac"."""
    return fold(text).replace(" ", "")
