"""Turn any user query string into a safe query for the lexical engine.

Understood: plain words, "quoted phrases", word* prefixes and -word exclusions, and, as on
arXiv, au:Name / au:"Full Name" and cat:cs.LG, lifted out as filters. Everything else
(operators, brackets, control characters, unbalanced quotes) is treated as text, so no
input can make the engine's query parser fail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from paperwire.domain import CATEGORY

MAX_QUERY_CHARS = 2000
# Lucene's classic English stop set. Dropped from plain words only (never from phrases),
# and only when other words remain: they barely move BM25 but match nearly every paper.
STOP_WORDS = frozenset(
    "a an and are as at be but by for if in into is it no not of on or such that the their "
    "then there these they this to was will with".split())
MAX_CLAUSES = 64
_TOKEN = re.compile(r'(?P<neg>(?<!\S)-)?(?:"(?P<phrase>[^"]*)"|(?P<word>\w+)(?P<star>\*)?)')
_WORD = re.compile(r"\w+")
_FIELD = re.compile(r'(?<!\S)(?P<key>au|author|cat|category):'
                    r'(?:"(?P<quoted>[^"]*)"|(?P<bare>[^\s"]+))', re.IGNORECASE)
MAX_FIELD_CHARS = 200


@dataclass
class UserQuery:
    words: list[str] = field(default_factory=list)
    phrases: list[list[str]] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.words or self.phrases or self.prefixes)

    def to_engine(self) -> str:
        """Words and phrases in the engine's syntax, built only from \\w tokens."""
        return " ".join([*self.words, *(f'"{" ".join(p)}"' for p in self.phrases)])


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


def parse_user_query(text: str) -> UserQuery:
    q = UserQuery()
    text = text[:MAX_QUERY_CHARS]
    if text.count('"') % 2:  # an unbalanced quote is just a character
        text = text.replace('"', " ")
    for m in _TOKEN.finditer(text):
        if len(q.words) + len(q.phrases) + len(q.prefixes) + len(q.excluded) >= MAX_CLAUSES:
            break
        if m.group("phrase") is not None:
            words = _words(m.group("phrase"))
            if m.group("neg") and words:
                q.excluded.extend(words)
            elif len(words) > 1:
                q.phrases.append(words)
            else:
                q.words.extend(words)
        elif m.group("neg"):
            q.excluded.extend(_words(m.group("word")))
        elif m.group("star"):
            q.prefixes.append(m.group("word").lower())
        else:
            q.words.extend(_words(m.group("word")))
    content = [w for w in q.words if w not in STOP_WORDS]
    if content or q.phrases or q.prefixes:
        q.words = content
    return q


@dataclass
class QueryFields:
    """What a query asked for besides its words: arXiv's au: and cat:."""
    text: str  # the query without them
    author: str | None = None
    category: str | None = None


def lift_fields(text: str) -> QueryFields:
    """Take au:/author: and cat:/category: out of a query, the first of each kind. A bare
    au:LeCun_Y (arXiv's surname_initial) keeps the surname; a field that is not one (an
    empty value, cat: with no arXiv category) stays in the text as words."""
    found: dict[str, str] = {}

    def take(m: re.Match) -> str:
        key = "author" if m["key"].lower() in ("au", "author") else "category"
        if m["quoted"] is not None:
            value = m["quoted"].strip()
        else:
            value = m["bare"].split("_")[0] if key == "author" else m["bare"]
        if (not value or key in found or len(value) > MAX_FIELD_CHARS
                or (key == "category" and not CATEGORY.fullmatch(value))
                or (key == "author" and not _WORD.search(value))):
            return m.group(0)
        found[key] = value
        return " "

    rest = _FIELD.sub(take, text[:MAX_QUERY_CHARS])
    return QueryFields(rest if found else text, found.get("author"), found.get("category"))
