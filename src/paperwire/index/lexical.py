"""The lexical index: BM25 over title (weighted) and abstract, on tantivy.

Derived data: it lives in a folder beside the store, records the store revision it has
caught up to in state.json, and can always be rebuilt from the store.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass, field
from datetime import date
from html import escape
from pathlib import Path

import tantivy

from paperwire.index.query import UserQuery

SCHEMA_VERSION = 2  # 2: tags (has code, venue), issue 23
TITLE_BOOST = 1.25  # title above abstract; SciFact train nDCG@10: 1.0→0.675, 1.25→0.665, 2.0→0.627
SNIPPET_CHARS = 280
_SUGGEST_WORD = re.compile(r"[^\W_]+")
_EPOCH = date(1970, 1, 1)
_NAME_WORD = re.compile(r"\w+")


class IndexUnusable(Exception):
    """The index folder is missing, from another schema version, or corrupt."""


@dataclass
class IndexDoc:
    doc_id: int
    title: str
    abstract: str
    authors: list[str]
    categories: list[str]
    published: date | None
    tags: list[str] = field(default_factory=list)  # "code", "venue:iclr-2026"


@dataclass
class Filters:
    date_from: date | None = None
    date_to: date | None = None
    category: str | None = None
    author: str | None = None
    code: bool = False  # only papers with a code link
    venue: str | None = None  # a venue's key, "ICLR-2026"

    @property
    def names_papers(self) -> bool:
        """An author, a category or a venue: enough to list papers without any words."""
        return bool(self.author or self.category or self.venue)


@dataclass
class LexicalHit:
    doc_id: int
    score: float
    title_html: str = ""  # filled by highlight()
    snippet_html: str = ""
    found_by: tuple | None = field(default=None, repr=False, compare=False)


def _day(d: date) -> int:
    return (d - _EPOCH).days


def _doc_ids(searcher: tantivy.Searcher, result: tantivy.SearchResult) -> list[int]:
    """The doc_id of each hit, in the hits' order."""
    addresses = [address for _, address in result.hits]
    return searcher.fast_field_values("doc_id", addresses) if addresses else []


def _schema(text_tokenizer: str) -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_integer_field("doc_id", stored=True, indexed=True, fast=True)
    sb.add_text_field("title", stored=True, tokenizer_name=text_tokenizer)
    sb.add_text_field("abstract", stored=True, tokenizer_name=text_tokenizer)
    sb.add_text_field("authors", tokenizer_name="name")
    sb.add_text_field("categories", tokenizer_name="raw")
    sb.add_integer_field("day", indexed=True, fast=True)
    sb.add_text_field("tags", tokenizer_name="raw")
    return sb.build()


def _name_analyzer() -> tantivy.TextAnalyzer:
    return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
            .filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.ascii_fold())
            .build())


class LexicalIndex:
    # English stemming: SciFact lexical nDCG@10 0.665 with it, 0.638 without; it is about
    # 40 % of tantivy's indexing CPU (benchmarks/bench_import_stages.py)
    text_tokenizer = "en_stem"

    def __init__(self, path: Path, create: bool = True) -> None:
        self.path = path
        self.schema = _schema(self.text_tokenizer)
        state = self._read_state()
        if state is None:
            if not create:
                raise IndexUnusable(f"no lexical index at {path}")
            self.reset()
            state = {"schema": SCHEMA_VERSION, "rev": 0}
        elif state.get("schema") != SCHEMA_VERSION:
            raise IndexUnusable(f"lexical index at {path} has schema {state.get('schema')}")
        self.rev: int = state["rev"]
        try:
            self.index = tantivy.Index(self.schema, path=str(path), reuse=True)
        except ValueError as e:
            raise IndexUnusable(f"lexical index at {path} cannot be opened: {e}") from e
        self._names = _name_analyzer()
        self.index.register_tokenizer("name", self._names)
        self._writer: tantivy.IndexWriter | None = None
        self._seen_state = 0

    @classmethod
    def fresh(cls, path: Path) -> LexicalIndex:
        shutil.rmtree(path, ignore_errors=True)
        return cls(path, create=True)

    def _read_state(self) -> dict | None:
        try:
            return json.loads((self.path / "state.json").read_text())
        except FileNotFoundError:
            return None
        except (json.JSONDecodeError, OSError) as e:
            raise IndexUnusable(f"lexical index state at {self.path} is unreadable: {e}") from e

    def reset(self) -> None:
        """Empty the folder; the caller refills it from the store."""
        shutil.rmtree(self.path, ignore_errors=True)
        self.path.mkdir(parents=True)
        (self.path / "state.json").write_text(json.dumps({"schema": SCHEMA_VERSION, "rev": 0}))

    @property
    def writer(self) -> tantivy.IndexWriter:
        if self._writer is None:
            self._writer = self.index.writer(heap_size=256_000_000)
        return self._writer

    def upsert(self, docs: list[IndexDoc]) -> None:
        w = self.writer
        for d in docs:
            w.delete_documents_by_term("doc_id", d.doc_id)
            doc = tantivy.Document(doc_id=d.doc_id, title=d.title, abstract=d.abstract,
                                   authors=d.authors, categories=d.categories)
            for tag in d.tags:
                doc.add_text("tags", tag)
            if d.published:
                doc.add_integer("day", _day(d.published))
            w.add_document(doc)

    def delete(self, doc_ids: list[int]) -> None:
        for doc_id in doc_ids:
            self.writer.delete_documents_by_term("doc_id", doc_id)

    def commit(self, rev: int) -> None:
        """Make the changes durable and record the store revision they reflect."""
        if self._writer is not None:
            self._writer.commit()
            self._writer.wait_merging_threads()
            self._writer = None
        self.rev = rev
        tmp = self.path / "state.json.tmp"
        tmp.write_text(json.dumps({"schema": SCHEMA_VERSION, "rev": rev}))
        tmp.replace(self.path / "state.json")
        self.index.reload()

    def reload_if_changed(self) -> None:
        """See commits made by other processes (an import while the site is serving)."""
        try:
            stamp = (self.path / "state.json").stat().st_mtime_ns
        except OSError:
            return
        if stamp != self._seen_state:
            self._seen_state = stamp
            self.index.reload()
            state = self._read_state()
            if state and state.get("rev", 0) > self.rev:
                self.rev = state["rev"]

    def num_docs(self) -> int:
        self.index.reload()
        return self.index.searcher().num_docs

    def size_bytes(self) -> int:
        return sum(f.stat().st_size for f in self.path.rglob("*") if f.is_file())

    # -- searching ------------------------------------------------------------------------

    def _filter_clauses(self, f: Filters) -> list[tantivy.Query]:
        clauses = []
        if f.date_from or f.date_to:
            clauses.append(tantivy.Query.range_query(
                self.schema, "day", tantivy.FieldType.Integer,
                _day(f.date_from) if f.date_from else None,
                _day(f.date_to) if f.date_to else None))
        if f.category:
            clauses.append(self._category_query(f.category.strip()))
        if f.code:
            clauses.append(tantivy.Query.term_query(self.schema, "tags", "code"))
        if f.venue:
            clauses.append(tantivy.Query.term_query(self.schema, "tags",
                                                    "venue:" + f.venue.strip().lower()))
        if f.author:
            words = _NAME_WORD.findall(f.author)
            clauses.append(self.index.parse_query(f'"{" ".join(words)}"', ["authors"])
                           if words else tantivy.Query.empty_query())
        return clauses

    def _fields_query(self, engine_query: str) -> tantivy.Query:
        return self.index.parse_query(engine_query, ["title", "abstract"],
                                      field_boosts={"title": TITLE_BOOST})

    def _prefix_query(self, prefix: str) -> tantivy.Query:
        pattern = re.escape(prefix) + ".*"
        return tantivy.Query.boolean_query([
            (tantivy.Occur.Should, tantivy.Query.boost_query(
                tantivy.Query.regex_query(self.schema, "title", pattern), TITLE_BOOST)),
            (tantivy.Occur.Should, tantivy.Query.regex_query(self.schema, "abstract", pattern)),
        ])

    def _text_query(self, query: UserQuery) -> tantivy.Query:
        """Words and phrases (any may match, BM25 ranks) or-ed with prefix matches."""
        parts = [self._prefix_query(p) for p in query.prefixes]
        if query.words or query.phrases:
            parts.insert(0, self._fields_query(query.to_engine()))
        if len(parts) == 1:
            return parts[0]
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, p) for p in parts])

    def filter_ids(self, doc_ids: list[int], filters: Filters | None) -> set[int]:
        """The given documents that pass the filters (all of them when there are none)."""
        clauses = self._filter_clauses(filters or Filters())
        if not clauses or not doc_ids:
            return set(doc_ids)
        self.reload_if_changed()
        q = tantivy.Query.boolean_query([
            (tantivy.Occur.Must, tantivy.Query.term_set_query(self.schema, "doc_id", doc_ids)),
            *((tantivy.Occur.Must, c) for c in clauses)])
        searcher = self.index.searcher()
        result = searcher.search(q, limit=len(doc_ids))
        return {searcher.doc(address)["doc_id"][0] for _, address in result.hits}

    def search(self, query: UserQuery, filters: Filters | None = None, limit: int = 20,
               offset: int = 0, sort: str = "relevance",
               count: bool = False, snippets: bool = True
               ) -> tuple[int | None, list[LexicalHit]]:
        """(number of matches if counted, hits) for a parsed user query.

        Counting visits every match and so defeats BM25's top-k pruning: ask only when the
        number is shown. Without snippets, call highlight() on the hits that will be shown.
        """
        if query.is_empty and not (filters and filters.names_papers):
            return 0, []
        self.reload_if_changed()
        # no words but an author or a category: every paper of theirs (by date, the caller's)
        text_query = self._text_query(query) if not query.is_empty else \
            tantivy.Query.all_query()
        clauses = [(tantivy.Occur.Must, text_query)]
        clauses += [(tantivy.Occur.MustNot, self._fields_query(w)) for w in query.excluded]
        clauses += [(tantivy.Occur.Must, c) for c in self._filter_clauses(filters or Filters())]
        q = tantivy.Query.boolean_query(clauses)
        searcher = self.index.searcher()
        by_date = {"order_by_field": "day"} if sort == "date" else {}
        result = searcher.search(q, limit=limit, offset=offset, count=count, **by_date)
        doc_ids = _doc_ids(searcher, result)
        hits = [LexicalHit(doc_id, float(score), found_by=(searcher, text_query, address))
                for doc_id, (score, address) in zip(doc_ids, result.hits, strict=True)]
        if snippets:
            self.highlight(hits)
        return (result.count if count else None), hits

    def suggest(self, text: str, field_name: str, limit: int) -> list[int]:
        """Doc ids whose title (or authors) hold every typed word, the last one as a
        prefix: what a search box offers as you type. A one-letter last word is left out
        (it would expand to most of the dictionary)."""
        words = _SUGGEST_WORD.findall(text.lower())[:8]
        if not words:
            return []
        *whole, last = words
        clauses = [(tantivy.Occur.Must, self.index.parse_query(w, [field_name])) for w in whole]
        if len(last) >= 2:
            clauses.append((tantivy.Occur.Must, tantivy.Query.regex_query(
                self.schema, field_name, re.escape(last) + ".*")))
        elif not whole:
            return []
        self.reload_if_changed()
        searcher = self.index.searcher()
        result = searcher.search(tantivy.Query.boolean_query(clauses), limit=limit)
        return _doc_ids(searcher, result)

    def _category_query(self, category: str) -> tantivy.Query:
        """Papers in a category (cs.LG) or an archive (cs: cs.LG, cs.CV…), in any case."""
        whole = "." in category or "/" in category
        pattern = "(?i)" + re.escape(category) + ("" if whole else r"(\..*)?")
        return tantivy.Query.regex_query(self.schema, "categories", pattern)

    def has_category(self, category: str) -> bool:
        """Whether any paper is in this category or archive: a few ms, where the store
        has no index to tell."""
        self.reload_if_changed()
        query = self._category_query(category)
        return bool(self.index.searcher().search(query, limit=1).hits)

    def by_author_words(self, surname: str, given: str, limit: int) -> list[int]:
        """Doc ids, newest first, whose authors hold every word of the surname and either
        the given name or its initial (any word with that initial when only the initial
        is given): the candidates for one author. The caller checks each paper's names,
        as the words may come from two authors."""
        words, first = self._names.analyze(surname), self._names.analyze(given)
        if not words:
            return []
        clauses = [tantivy.Query.term_query(self.schema, "authors", w) for w in words]
        if first and len(first[0]) == 1:
            clauses.append(tantivy.Query.regex_query(self.schema, "authors",
                                                     re.escape(first[0]) + ".*"))
        elif first:
            clauses.append(tantivy.Query.boolean_query([
                (tantivy.Occur.Should, tantivy.Query.term_query(self.schema, "authors", t))
                for t in (first[0], first[0][0])]))
        self.reload_if_changed()
        searcher = self.index.searcher()
        result = searcher.search(
            tantivy.Query.boolean_query([(tantivy.Occur.Must, c) for c in clauses]),
            limit=limit, order_by_field="day")
        return _doc_ids(searcher, result)

    def highlight(self, hits: list[LexicalHit]) -> None:
        """Fill in highlighted title and abstract snippets (HTML, escaped) for these hits."""
        generators: dict[int, tuple] = {}
        for hit in hits:
            if hit.found_by is None or hit.snippet_html:
                continue
            searcher, text_query, address = hit.found_by
            key = id(text_query)
            if key not in generators:
                title_gen = tantivy.SnippetGenerator.create(searcher, text_query, self.schema,
                                                            "title")
                title_gen.set_max_num_chars(1000)
                abstract_gen = tantivy.SnippetGenerator.create(searcher, text_query,
                                                               self.schema, "abstract")
                abstract_gen.set_max_num_chars(SNIPPET_CHARS)
                generators[key] = (title_gen, abstract_gen)
            title_gen, abstract_gen = generators[key]
            doc = searcher.doc(address)
            hit.title_html = title_gen.snippet_from_doc(doc).to_html() or escape(doc["title"][0])
            hit.snippet_html = (abstract_gen.snippet_from_doc(doc).to_html()
                                or escape(doc["abstract"][0][:SNIPPET_CHARS]))
