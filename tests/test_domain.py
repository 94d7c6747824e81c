import pytest

from paperwire.domain import normalize_title, parse_arxiv_id, title_key


@pytest.mark.parametrize(("text", "ident", "version"), [
    ("2301.01234", "2301.01234", None),
    ("2301.01234v3", "2301.01234", 3),
    ("arXiv:2301.01234", "2301.01234", None),
    ("arxiv:2301.01234v12", "2301.01234", 12),
    ("0704.0001", "0704.0001", None),
    ("hep-th/9901001", "hep-th/9901001", None),
    ("hep-th/9901001v2", "hep-th/9901001", 2),
    ("math.GT/0309136", "math.GT/0309136", None),
    ("https://arxiv.org/abs/2301.01234v2", "2301.01234", 2),
    ("http://arxiv.org/abs/hep-th/9901001v1", "hep-th/9901001", 1),
    ("https://arxiv.org/pdf/2301.01234.pdf", "2301.01234", None),
    ("https://arxiv.org/pdf/2301.01234v4", "2301.01234", 4),
    ("https://export.arxiv.org/abs/1605.08386", "1605.08386", None),
    ("10.48550/arXiv.2301.01234", "2301.01234", None),
    ("  2301.01234  ", "2301.01234", None),
])
def test_every_arxiv_id_form_parses_to_the_versionless_id(text, ident, version):
    parsed = parse_arxiv_id(text)
    assert parsed is not None
    assert (parsed.id, parsed.version) == (ident, version)


@pytest.mark.parametrize("text", ["", "abc", "0000", "2301.123", "12345.6789",
                                  "https://example.org/abs/2301.01234", "2301.01234v"])
def test_things_that_are_not_arxiv_ids_are_refused(text):
    assert parse_arxiv_id(text) is None


def test_title_key_folds_case_space_punctuation_accents_and_latex():
    a = "Attention Is All You Need: \\emph{Transformers}  for Ümlauts!"
    b = "attention is all you need transformers for umlauts"
    assert normalize_title(a) == b
    assert title_key(a) == title_key(b)
    assert title_key(a) != title_key("Attention is all you need, part 2")
    assert title_key(a).startswith("t-")
