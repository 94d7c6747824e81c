"""Author names folded for matching: accents, case and initials do not matter, so
"Yann LeCun", "Y. LeCun", "LeCun, Yann" and "Yann Lecun" are the same author, and
"Yann Dauphin" or "Yves LeCun" are not."""

from __future__ import annotations

import re
import unicodedata

_PART = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _parts(name: str) -> list[str]:
    """Folded name parts, given names first, without suffixes."""
    name = _fold(name)
    if "," in name:  # "LeCun, Yann"
        surname, _, given = name.partition(",")
        name = f"{given} {surname}"
    return [p for p in _PART.findall(name) if p not in _SUFFIXES]


def author_key(name: str) -> str:
    """'<surname> <first initial>', or '' for a name with no letters."""
    parts = _parts(name)
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0]
    return f"{parts[-1]} {parts[0][0]}"


def name_key(name: str) -> str:
    """'<surname> <first name or initial>': two names with the same name_key are the same
    author by same_author (a follow is kept once per name_key)."""
    parts = _parts(name)
    return f"{parts[-1]} {parts[0]}" if len(parts) > 1 else "".join(parts)


def same_author(wanted: str, name: str) -> bool:
    """Whether `name` may be the author written `wanted`: the same surname and initial,
    and the same first name when both write it out ("X. Zhang" may be "Xiao Zhang";
    "Xiaowen Zhang" is not "Xiao Zhang")."""
    a, b = _parts(wanted), _parts(name)
    if not a or not b or author_key(wanted) != author_key(name):
        return False
    return len(a) == 1 or len(a[0]) == 1 or len(b[0]) == 1 or a[0] == b[0]
