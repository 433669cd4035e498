"""Vietnamese names: collation, sort keys and diacritics folding for search.

Vietnamese dictionary order compares letters first, with ă, â, đ, ê, ô, ơ, ư as letters of their
own (a < ă < â < b < c < d < đ < e < ê < ...), and only then the tones, in the order
ngang < huyền < hỏi < ngã < sắc < nặng. Personal names are sorted by the given name (the last
word), then the family name (the first word), then the middle names, as registers are kept.

Sort keys are plain strings over ``[0-9a-z]`` so that the database can keep them in an ordinary
indexed column and sort them the same way on SQLite and PostgreSQL, whatever its collation.
"""

from __future__ import annotations

import re
import unicodedata

ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_RANK = {ch: i + 1 for i, ch in enumerate(ALPHABET)}

# Combining marks that make a new letter (breve, circumflex, horn) and the tone marks.
_LETTER_MARKS = {"\u0306": "ă", "\u0302": "â", "\u031b": "ơ"}
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_DIGITS36 = "0123456789abcdefghijklmnopqrstuvwxyz"
_SPACES = re.compile(r"\s+")


def normalize_name(full_name: str) -> str:
    """Trim, collapse spaces and use the composed (NFC) form with each word capitalised."""
    words = _SPACES.split(unicodedata.normalize("NFC", full_name).strip())
    return " ".join(w[:1].upper() + w[1:].lower() for w in words if w)


def _letters_and_tones(word: str) -> tuple[list[int], list[int]]:
    """Primary letter ranks and secondary tone ranks of one word."""
    letters: list[int] = []
    tones: list[int] = []
    for ch in unicodedata.normalize("NFC", word.lower()):
        decomposed = unicodedata.normalize("NFD", ch)
        base, marks = decomposed[0], decomposed[1:]
        tone = 0
        letter = base
        for mark in marks:
            if mark in _TONE_RANK:
                tone = _TONE_RANK[mark]
            elif mark in _LETTER_MARKS:
                if base == "a":
                    letter = "ă" if mark == "\u0306" else "â"
                elif base in "eo" and mark == "\u0302":
                    letter = base + "\u0302"
                    letter = unicodedata.normalize("NFC", letter)
                elif base in "ou" and mark == "\u031b":
                    letter = unicodedata.normalize("NFC", base + "\u031b")
        rank = _LETTER_RANK.get(letter)
        if rank is None:
            if not letter.isalnum():
                continue
            rank = len(ALPHABET) + 1 + (ord(letter) % 1000)
        letters.append(rank)
        tones.append(tone)
    return letters, tones


def _encode(values: list[int]) -> str:
    """Two base-36 digits per value, each value >= 1, so '00' sorts below every letter."""
    out = []
    for v in values:
        v = min(v, 36 * 36 - 1)
        out.append(_DIGITS36[v // 36] + _DIGITS36[v % 36])
    return "".join(out)


def word_key(word: str) -> str:
    """Collation key of one word: letters first, then tones (as a tie-break)."""
    letters, tones = _letters_and_tones(word)
    return _encode(letters) + "00" + _encode([t + 1 for t in tones])


def collation_key(text: str) -> str:
    """Collation key of a phrase, word by word (for organisation names and titles)."""
    return "00".join(word_key(w) for w in _SPACES.split(text.strip()) if w)


def name_order(full_name: str) -> list[str]:
    """The words of a name in register order: given name, family name, then middle names."""
    words = [w for w in _SPACES.split(full_name.strip()) if w]
    if len(words) <= 1:
        return words
    return [words[-1], words[0], *words[1:-1]]


def name_sort_key(full_name: str) -> str:
    """Sort key of a personal name: given name, then family name, then middle names.

    Word boundaries are marked with '0000' (below every letter and tone encoding) so that
    'An' sorts before 'Anh' and 'Nguyễn Văn An' before 'Nguyễn Văn Anh'.
    """
    return "0000".join(word_key(w) for w in name_order(full_name))


def fold(text: str) -> str:
    """Lower-case text without diacritics, for search: 'Nguyễn Văn Đức' -> 'nguyen van duc'."""
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d").replace("Đ", "d"))
    stripped = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped).strip()


def searchable(*parts: str) -> str:
    """Text stored for search: the lower-case words as written and their folded form.

    A query word typed without diacritics ("anh") matches the folded form, so it finds "Anh", "Ánh"
    and "Ảnh"; a word typed with diacritics ("ánh") matches only the same spelling.
    """
    out: list[str] = []
    for part in parts:
        if not part:
            continue
        lower = _SPACES.sub(" ", unicodedata.normalize("NFC", part.lower().replace("Đ", "đ"))).strip()
        out.append(lower)
        folded = fold(part)
        if folded != lower:
            out.append(folded)
    return " ".join(out)


def search_terms(query: str) -> list[str]:
    """Lower-case words of a search query as typed (see ``searchable``), empty words dropped."""
    text = unicodedata.normalize("NFC", query.lower())
    return [w for w in _SPACES.split(text) if w]
