"""Every format parses to the same Paper fields; each test writes its own small input."""

import io
from datetime import date
from pathlib import Path

import pytest

from paperwire import sources
from paperwire.domain import Paper
from paperwire.sources import RecordError, SourceError, listing
from paperwire.sources.base import split_authors
from paperwire.sources.native import FIELDS


def parse(fmt: str, text: str) -> list:
    return list(sources.read(io.BytesIO(text.encode()), fmt))


def detect(text: str) -> str | None:
    return sources.detect_format_of(text)


LISTING = """new

Get trending papers in your email inbox!

Subscribe

byAK and the research community

Oct 17

Graph Transformers for Molecules

We propose a transformer over molecular graphs that respects chemical symmetry and scales well.

  • 3 authors
·
Oct 4, 2023 7

Physics-Informed Networks That Respect Causality

Training PINNs while respecting temporal causality improves accuracy on stiff problems a lot.

  • 1 authors
·
Mar 13

Plain Entry Without Meta

An abstract long enough to be an abstract, with no author count or date after it at all.
"""


def test_listing_page_entries_with_and_without_counts_and_dates():
    papers = list(listing.parse(io.BytesIO(LISTING.encode()), today=date(2026, 11, 23)))
    assert [p.title for p in papers] == ["Graph Transformers for Molecules",
                                        "Physics-Informed Networks That Respect Causality",
                                        "Plain Entry Without Meta"]
    first, second, third = papers
    assert (first.author_count, first.published, first.external_upvotes) == (3, date(2023, 10, 4), 7)
    assert (second.author_count, second.published) == (1, date(2026, 3, 13))
    assert third.author_count is None and third.published is None
    assert detect(LISTING) == "listing"


def test_listing_date_without_year_never_lies_in_the_future():
    page = "Title\n\nAn abstract that is long enough to count as an abstract here, surely.\n\nDec 24\n"
    (paper,) = listing.parse(io.BytesIO(page.encode()), today=date(2026, 3, 1))
    assert paper.published == date(2025, 12, 24)


def test_listing_title_without_abstract_is_reported_with_its_line():
    page = "First Title\n\nA perfectly good abstract that is long enough to be one, really.\n\nOrphan\n"
    out = list(listing.parse(io.BytesIO(page.encode())))
    assert isinstance(out[0], Paper)
    assert isinstance(out[1], RecordError) and out[1].where == "line 5"


ATOM = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
  <entry>
    <id>http://arxiv.org/abs/2301.01234v2</id>
    <title>A &lt;Bold&gt; Claim
      About $x^2$</title>
    <summary>  We show things.
    </summary>
    <published>2023-01-04T10:00:00Z</published><updated>2023-02-01T10:00:00Z</updated>
    <author><name>Ada Lovelace</name></author><author><name>Alan Turing</name></author>
    <arxiv:comment>10 pages</arxiv:comment>
    <arxiv:journal_ref>J. Things 1 (2023)</arxiv:journal_ref>
    <arxiv:doi>10.1000/xyz</arxiv:doi>
    <category term="stat.ML"/><category term="cs.LG"/>
    <arxiv:primary_category term="cs.LG"/>
  </entry>
</feed>"""


def test_arxiv_atom_entry_maps_every_field():
    (p,) = parse("arxiv-api", ATOM)
    assert (p.arxiv_id, p.version) == ("2301.01234", 2)
    assert p.title == "A <Bold> Claim About $x^2$"
    assert p.abstract == "We show things."
    assert p.authors == ["Ada Lovelace", "Alan Turing"]
    assert p.categories == ["cs.LG", "stat.ML"]  # primary first
    assert (p.published, p.updated) == (date(2023, 1, 4), date(2023, 2, 1))
    assert (p.comment, p.journal_ref, p.doi) == ("10 pages", "J. Things 1 (2023)", "10.1000/xyz")
    assert p.pdf_url == "https://arxiv.org/pdf/2301.01234"
    assert detect(ATOM) == "arxiv-api"


def test_arxiv_atom_error_entry_is_a_clear_source_error():
    error = ATOM.replace("http://arxiv.org/abs/2301.01234v2",
                         "https://arxiv.org/api/errors#incorrect_id_format_for_abc").replace(
        "We show things.", "incorrect id format for abc")
    with pytest.raises(SourceError, match="incorrect id format for abc"):
        parse("arxiv-api", error)


def oai(metadata: str, extra: str = "") -> str:
    return f"""<?xml version="1.0"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords>
<record><header><identifier>oai:arXiv.org:x</identifier></header>
<metadata>{metadata}</metadata></record>{extra}
<resumptionToken cursor="0" completeListSize="2">abc|1</resumptionToken>
</ListRecords></OAI-PMH>"""


RAW = """<arXivRaw xmlns="http://arxiv.org/OAI/arXivRaw/"><id>0704.0471</id>
<version version="v1"><date>Tue, 3 Apr 2007 22:04:11 GMT</date></version>
<version version="v2"><date>Wed, 9 May 2007 10:00:00 GMT</date></version>
<title>Density dependence of
  the symmetry energy</title><authors>D.V. Shetty, S.J. Yennello, and G.A. Souliotis</authors>
<categories>nucl-ex nucl-th</categories><comments>16 pages</comments>
<abstract>  The density
dependence.</abstract></arXivRaw>"""

ARXIV = """<arXiv xmlns="http://arxiv.org/OAI/arXiv/"><id>hep-th/9901001</id>
<created>1999-01-01</created><updated>1999-03-01</updated>
<authors><author><keyname>Bal\\'azs</keyname><forenames>Csaba</forenames></author>
<author><keyname>Yuan</keyname><forenames>C.-P.</forenames><suffix>Jr</suffix></author></authors>
<title>Old style</title><categories>hep-th</categories><doi>10.1/abc</doi>
<abstract>Old abstract.</abstract></arXiv>"""

DC = """<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/"
 xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Dublin Core paper</dc:title>
<dc:creator>Lovelace, Ada</dc:creator><dc:creator>Turing, Alan</dc:creator>
<dc:subject>Computer Science - Learning</dc:subject>
<dc:description>The abstract.</dc:description><dc:description>Comment: 5 pages</dc:description>
<dc:date>2020-05-02</dc:date><dc:date>2020-06-01</dc:date>
<dc:identifier>http://arxiv.org/abs/2005.00001v2</dc:identifier></oai_dc:dc>"""


def test_oai_arxivraw_record():
    (p,) = parse("arxiv-oai", oai(RAW))
    assert (p.arxiv_id, p.version) == ("0704.0471", 2)
    assert p.authors == ["D.V. Shetty", "S.J. Yennello", "G.A. Souliotis"]
    assert (p.published, p.updated) == (date(2007, 4, 3), date(2007, 5, 9))
    assert p.title == "Density dependence of the symmetry energy"
    assert p.abstract == "The density dependence."


def test_oai_arxiv_format_record_with_tex_accents():
    (p,) = parse("arxiv-oai", oai(ARXIV))
    assert p.arxiv_id == "hep-th/9901001"
    assert p.authors == ["Csaba Balázs", "C.-P. Yuan Jr"]
    assert (p.published, p.updated, p.doi) == (date(1999, 1, 1), date(1999, 3, 1), "10.1/abc")


def test_oai_dc_record():
    (p,) = parse("arxiv-oai", oai(DC))
    assert (p.arxiv_id, p.version, p.title) == ("2005.00001", 2, "Dublin Core paper")
    assert p.authors == ["Ada Lovelace", "Alan Turing"]
    assert (p.abstract, p.published, p.comment) == ("The abstract.", date(2020, 5, 2), "5 pages")


def test_oai_error_response_and_harmless_no_records():
    body = '<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><error code="{}">msg</error></OAI-PMH>'
    with pytest.raises(SourceError, match="badVerb"):
        parse("arxiv-oai", body.format("badVerb"))
    assert parse("arxiv-oai", body.format("noRecordsMatch")) == []


def test_oai_record_without_metadata_is_reported_and_the_rest_kept():
    broken = '<record><header><identifier>oai:arXiv.org:y</identifier></header></record>'
    out = parse("arxiv-oai", oai(RAW, extra=broken))
    assert isinstance(out[0], Paper) and isinstance(out[1], RecordError)
    assert out[1].where == "record 2"


HF = """[{"paper": {"id": "2606.00467", "title": "On Limits", "summary": "An abstract.",
  "authors": [{"name": "Etienne Casanova"}, {"name": "Rafal Kocielnik"}],
  "publishedAt": "2026-05-30T00:00:00.000Z", "upvotes": 12,
  "githubRepo": "https://github.com/x/y"},
  "publishedAt": "2026-06-12T00:00:00.000Z", "title": "On Limits", "numComments": 2}]"""


def test_hf_daily_papers_item():
    (p,) = parse("hf-daily", HF)
    assert (p.arxiv_id, p.title, p.external_upvotes) == ("2606.00467", "On Limits", 12)
    assert p.authors == ["Etienne Casanova", "Rafal Kocielnik"]
    assert (p.published, p.listed_on) == (date(2026, 5, 30), date(2026, 6, 12))
    assert p.code_url == "https://github.com/x/y"
    assert detect(HF) == "hf-daily"


SNAPSHOT = ('{"id":"0704.0001","authors":"C. Bal\\\\\'azs, E. L. Berger","title":"Calculation of '
            'prompt\\n  diphoton","comments":"37 pages","journal-ref":"Phys.Rev.D76:013009,2007",'
            '"doi":"10.1103/PhysRevD.76.013009","categories":"hep-ph hep-ex","abstract":"  A fully'
            '\\ndifferential calculation.\\n","versions":[{"version":"v1","created":"Mon, 2 Apr 2007 '
            '19:18:42 GMT"},{"version":"v2","created":"Tue, 24 Jul 2007 20:10:27 GMT"}],'
            '"update_date":"2008-11-13","authors_parsed":[["Bal\\\\\'azs","C.",""],'
            '["Berger","E. L.",""]]}\n')


def test_snapshot_line():
    (p,) = parse("arxiv-snapshot", SNAPSHOT)
    assert (p.arxiv_id, p.version) == ("0704.0001", 2)
    assert p.title == "Calculation of prompt diphoton"
    assert p.abstract == "A fully differential calculation."
    assert p.authors == ["C. Balázs", "E. L. Berger"]
    assert (p.published, p.updated) == (date(2007, 4, 2), date(2007, 7, 24))
    assert p.categories == ["hep-ph", "hep-ex"]
    assert detect(SNAPSHOT) == "arxiv-snapshot"


def test_snapshot_bad_line_is_reported_by_number_and_others_kept():
    out = parse("arxiv-snapshot", SNAPSHOT + "{not json\n" + '{"id": "nope", "title": "x"}\n'
                + SNAPSHOT)
    kinds = [type(x).__name__ for x in out]
    assert kinds == ["Paper", "RecordError", "RecordError", "Paper"]
    assert out[1].where == "line 2" and out[2].where == "line 3"


BIB = r"""% a comment
@article{vaswani2017,
  title = {Attention Is {All} You Need},
  author = {Vaswani, Ashish and Shazeer, Noam and M{\"u}ller, Hans},
  year = {2017}, month = jun,
  eprint = {1706.03762v5}, archivePrefix = {arXiv}, primaryClass = {cs.CL},
  abstract = {The dominant sequence transduction models.}
}
@inproceedings{noid,
  title = {A Paper Without an arXiv Id},
  author = {Doe, Jane},
  booktitle = {Proc.}, year = 2020, doi = {10.1145/1}
}
"""


def test_bibtex_entries_with_and_without_arxiv_id():
    a, b = parse("bibtex", BIB)
    assert (a.arxiv_id, a.version, a.title) == ("1706.03762", 5, "Attention Is All You Need")
    assert a.authors == ["Ashish Vaswani", "Noam Shazeer", "Hans Müller"]
    assert (a.published, a.categories) == (date(2017, 6, 1), ["cs.CL"])
    assert (b.arxiv_id, b.doi, b.authors) == (None, "10.1145/1", ["Jane Doe"])
    assert detect(BIB) == "bibtex"


def test_bibtex_broken_entry_reported_with_line_and_next_entry_kept():
    out = parse("bibtex", "@article{bad, title={unclosed\n" + BIB.split("% a comment\n")[1])
    assert any(isinstance(x, RecordError) and "line 1" in x.where for x in out)
    assert [x.title for x in out if isinstance(x, Paper)][-1] == "A Paper Without an arXiv Id"


def test_beir_corpus_line():
    text = '{"_id": "4983", "title": "Microstructural development", "text": "Alterations."}\n'
    (p,) = parse("beir", text)
    assert (p.arxiv_id, p.title, p.abstract, p.url) == (
        None, "Microstructural development", "Alterations.", None)
    assert p.source_ids == ["beir:corpus:4983"]  # BytesIO has no folder to name the corpus
    assert detect(text) == "beir"


def test_native_jsonl_and_csv_carry_the_same_record():
    jsonl = ('{"arxiv_id": "2301.01234v2", "title": "T", "abstract": "A", "authors": ["X Y", "Z"],'
             ' "published": "2023-01-04", "categories": ["cs.LG", "stat.ML"], "upvotes": 3}\n')
    csv = ('arxiv_id,title,abstract,authors,published,categories,upvotes\n'
           '2301.01234v2,T,A,X Y; Z,2023-01-04,cs.LG stat.ML,3\n')
    (a,), (b,) = parse("jsonl", jsonl), parse("csv", csv)
    assert a.sources == ["jsonl"] and b.sources == ["csv"]
    a.sources = b.sources = []
    assert a == b
    assert (a.arxiv_id, a.version, a.authors, a.external_upvotes) == ("2301.01234", 2, ["X Y", "Z"], 3)
    assert (detect(jsonl), detect(csv)) == ("jsonl", "csv")


def test_native_bad_values_are_reported_by_line():
    csv = ("title,published,upvotes\nGood,2023-01-01,1\nBad date,yesterday,\nBad votes,,many\n"
           "Too,many,values,here\n")
    out = parse("csv", csv)
    errors = [x for x in out if isinstance(x, RecordError)]
    assert [e.where for e in errors] == ["line 3", "line 4", "line 5"]
    assert "yesterday" in errors[0].reason and "many" in errors[1].reason
    assert set(FIELDS) >= {"title", "published", "upvotes"}


def test_unknown_content_is_not_detected():
    for text in ["", "hello", "<html><body>hi</body></html>", "[1, 2, 3]", '{"a": 1}\n']:
        assert detect(text) is None, text


def test_author_string_splitting():
    assert split_authors("A. One, B. Two, and C. Three") == ["A. One", "B. Two", "C. Three"]
    assert split_authors("A. One and B. Two") == ["A. One", "B. Two"]
    assert split_authors("A. One (MIT), B. Two (ETH Zurich)") == ["A. One", "B. Two"]


# -- the real recorded examples in ../shared/fixtures ------------------------------------

FIXTURE_COUNTS = {
    "listings/000_122312c58fd12c64.txt": ("listing", 53),
    "listings/004_fdcca0c4ce3c2040.txt": ("listing", 68),
    "arxiv-api/q_testing_s0_m100_cfe7536492ca.xml": ("arxiv-api", 100),
    "arxiv-api/id_astro-ph_0601001_s0_m100_3150dca9dc76.xml": ("arxiv-api", 1),
    "arxiv-api/id_0000.0000_s0_m100_8b51d9633a68.xml": ("arxiv-api", 0),
    "arxiv-oai/ListRecordsResponse.xml": ("arxiv-oai", 6),
    "arxiv-oai/GetRecordResponse.xml": ("arxiv-oai", 1),
    "arxiv-oai/ErrorResponseNoRecordsMatch.xml": ("arxiv-oai", 0),
    "arxiv-snapshot/first-200.jsonl": ("arxiv-snapshot", 200),
    "hf-papers/daily_papers.json": ("hf-daily", 30),
}


@pytest.mark.parametrize("name", sorted(FIXTURE_COUNTS))
def test_recorded_fixture_detected_and_parsed_without_errors(shared: Path, name: str):
    path = shared / "fixtures" / name
    fmt, count = FIXTURE_COUNTS[name]
    assert sources.detect_format(path) == fmt
    with path.open("rb") as fp:
        out = list(sources.read(fp, fmt))
    assert [x for x in out if isinstance(x, RecordError)] == []
    assert len(out) == count
    assert all(p.title and (p.abstract or fmt == "listing") for p in out)


def test_recorded_old_style_id_and_latex_authors(shared: Path):
    with (shared / "fixtures/arxiv-api/id_astro-ph_0601001_s0_m100_3150dca9dc76.xml").open("rb") as fp:
        (p,) = sources.read(fp, "arxiv-api")
    assert p.arxiv_id == "astro-ph/0601001"
    with (shared / "fixtures/arxiv-snapshot/first-200.jsonl").open("rb") as fp:
        first = next(sources.read(fp, "arxiv-snapshot"))
    assert first.authors[0] == "C. Balázs"


@pytest.mark.parametrize("name", ["ErrorResponseBadArgument.xml", "ErrorResponseBadVerb.xml",
                                  "ErrorResponseIdDoesNotExist.xml",
                                  "ErrorResponseBadResumptionToken.xml"])
def test_recorded_oai_errors_are_source_errors(shared: Path, name: str):
    with (shared / "fixtures/arxiv-oai" / name).open("rb") as fp, pytest.raises(SourceError):
        list(sources.read(fp, "arxiv-oai"))


def test_recorded_arxiv_api_bad_id_is_a_source_error(shared: Path):
    path = shared / "fixtures/arxiv-api/id_abc_s0_m100_b79c8dcf6bc3.xml"
    with path.open("rb") as fp, pytest.raises(SourceError, match="incorrect id format"):
        list(sources.read(fp, "arxiv-api"))
