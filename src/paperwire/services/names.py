"""Author names folded for matching: accents, case and initials do not matter, so
"Yann LeCun", "Y. LeCun", "LeCun, Yann" and "Yann Lecun" are the same author."""

from __future__ import annotations

import re
import unicodedata

_PART = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?", re.UNICODE)
_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def author_key(name: str) -> str:
    """'<surname> <first initial>', or '' for a name with no letters."""
    name = _fold(name)
    if "," in name:  # "LeCun, Yann"
        surname, _, given = name.partition(",")
        name = f"{given} {surname}"
    parts = [p for p in _PART.findall(name) if p not in _SUFFIXES]
    if not parts:
        return ""
    if len(parts) == 1:
        return parts[0]
    return f"{parts[-1]} {parts[0][0]}"
