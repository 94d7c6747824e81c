"""Words as the index knows them: whether a word is in any title or abstract, and "did you
mean" for one that is not, from the index's own vocabulary."""

from __future__ import annotations

import re

import tantivy

from paperwire.index.lexical import LexicalIndex

_WORD = re.compile(r"[^\W_]+")
SPELLING_TERMS = 50_000  # vocabulary terms looked at for one misspelled word, at most


def _stem_analyzer() -> tantivy.TextAnalyzer:
    """What tantivy's en_stem does to a word, for looking words up in the vocabulary."""
    return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.remove_long(40))
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.stemmer("english"))
            .build())


def edit_distance(a: str, b: str, most: int) -> int:
    """Levenshtein distance, or most + 1 as soon as it must be larger than most."""
    if abs(len(a) - len(b)) > most:
        return most + 1
    row = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, cb in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (ca != cb))
        if min(row) > most:
            return most + 1
    return row[-1]


def _near(word: str, stem: str, term: str, most: int) -> bool:
    """Whether an indexed term (a stem) is a few edits from a word: from its stem, or from
    its start (a typo keeps the stemmer from cutting "reinforcment" to "reinforc")."""
    head = word[:len(term)] if len(term) >= 5 and len(word) - len(term) <= 4 else word
    return min(edit_distance(stem, term, most), edit_distance(head, term, most)) <= most


_STEMS = _stem_analyzer()


def known(index: LexicalIndex, word: str) -> bool:
    """Whether any title or abstract holds this word (as its stem)."""
    stems = _STEMS.analyze(word)
    index.reload_if_changed()
    searcher = index.index.searcher()
    return all(searcher.doc_freq("title", t) or searcher.doc_freq("abstract", t)
               for t in stems)


def spelling(index: LexicalIndex, word: str) -> str | None:
    """The word most papers hold among those one or two edits from this one (two from
    eight letters on), as papers write it; from the index's own vocabulary, among the
    terms that share its first two letters (where most typos leave a word alone)."""
    (stem,) = _STEMS.analyze(word)[:1] or [""]
    if len(stem) < 4:
        return None
    index.reload_if_changed()
    most = 1 if len(word) < 8 else 2
    searcher = index.index.searcher()
    near = [(freq, term) for term, freq in searcher.terms_with_prefix(
                "abstract", stem[:2], limit=SPELLING_TERMS)
            if term != stem and _near(word.lower(), stem, term, most)]
    if not near:
        return None
    return _surface(index, searcher, max(near)[1], word.lower())


def _surface(index: LexicalIndex, searcher: tantivy.Searcher, stem: str,
             typed: str) -> str | None:
    """The word nearest the typed one, as a paper writes it, whose stem this is (stems
    are not words: "attent")."""
    hits = searcher.search(tantivy.Query.term_query(index.schema, "abstract", stem),
                           limit=1).hits
    if not hits:
        return None
    text = searcher.doc(hits[0][1])["abstract"][0]
    words = {w.lower() for w in _WORD.findall(text)
             if _STEMS.analyze(w) == [stem]}
    return min(words, key=lambda w: (edit_distance(typed, w, len(w)), w), default=None)
