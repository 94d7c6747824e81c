"""Turn any user query string into a safe query for the lexical engine.

Understood: plain words, "quoted phrases", word* prefixes and -word exclusions. Everything
else (operators, brackets, control characters, unbalanced quotes) is treated as text, so no
input can make the engine's query parser fail.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_QUERY_CHARS = 2000
# Lucene's classic English stop set. Dropped from plain words only (never from phrases),
# and only when other words remain: they barely move BM25 but match nearly every paper.
STOP_WORDS = frozenset(
    "a an and are as at be but by for if in into is it no not of on or such that the their "
    "then there these they this to was will with".split())
MAX_CLAUSES = 64
_TOKEN = re.compile(r'(?P<neg>(?<!\S)-)?(?:"(?P<phrase>[^"]*)"|(?P<word>\w+)(?P<star>\*)?)')
_WORD = re.compile(r"\w+")


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
