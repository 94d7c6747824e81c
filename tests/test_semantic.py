"""Embedding, the vector index, hybrid search and similar papers, with the real model."""

import json
import shutil

import numpy as np
import pytest

from paperwire.domain import Paper
from paperwire.embedding import OnnxEmbedder, TorchEmbedder, paper_text
from paperwire.index import vectors as vector_index
from paperwire.ingest import ingest
from paperwire.services.discovery.search import search
from paperwire.services.discovery.similar import similar_to_paper, similar_to_text
from paperwire.services.intake import embed as embed_service
from tests.test_search import HOSTILE

PAPERS = [
    Paper(arxiv_id="2203.07404", version=1, title="Respecting causality is all you need for training physics-informed neural networks",
          abstract="PINNs fail on chaotic dynamics; we re-weight the residual loss so earlier times are learned first.", sources=["t"]),
    Paper(arxiv_id="1706.03762", version=5, title="Attention is all you need",
          abstract="The Transformer, based solely on attention mechanisms, dispensing with recurrence and convolutions.", sources=["t"]),
    Paper(arxiv_id="1512.03385", version=1, title="Deep residual learning for image recognition",
          abstract="Residual networks ease the training of very deep convolutional networks for image classification.", sources=["t"]),
    Paper(arxiv_id="2006.11239", version=2, title="Denoising diffusion probabilistic models",
          abstract="High quality image synthesis using diffusion probabilistic models inspired by nonequilibrium thermodynamics.", sources=["t"]),
    Paper(arxiv_id="1301.3781", version=3, title="Efficient estimation of word representations in vector space",
          abstract="Two architectures for computing continuous vector representations of words from very large data sets.", sources=["t"]),
    Paper(title="A catalogue of bird songs", abstract="Recordings of songbirds across Europe, annotated by species.",
          sources=["t"], published=None),
]


@pytest.fixture
def embedded(library, model_dir):
    ingest(library.store, PAPERS)
    report = embed_service.embed_pending(library)
    assert report.encoded == len(PAPERS)
    return library


def keys(hits) -> list[str]:
    return [h.paper.paper.key for h in hits]


def test_fast_model_agrees_with_the_reference(model_dir):
    texts = [f"{p.title}. {p.abstract}" for p in PAPERS] + ["", "漢字 🙂 " * 300]
    fast, reference = OnnxEmbedder(model_dir).encode(texts), TorchEmbedder().encode(texts)
    assert fast.shape == (len(texts), 384)
    assert np.allclose(np.linalg.norm(fast, axis=1), 1, atol=1e-4)
    cosine = (fast * reference).sum(axis=1)
    assert cosine[: len(PAPERS)].min() >= 0.99  # paper texts: the bar
    assert cosine[len(PAPERS):].min() >= 0.95  # degenerate inputs (empty, no vocabulary)


def quantized_matmul_errors(model_dir) -> list[float]:
    """For each quantized MatMul of the model: onnxruntime's own kernel (DynamicQuantizeLinear
    + MatMulInteger + scales, fused into DynamicQuantizeMatMul as in the site's model) against
    the exact product, on activations that quantize exactly (multiples of 1/16, all 256 uint8
    levels: the worst case for 16-bit saturation); the largest error relative to the largest
    output."""
    import onnx
    import onnxruntime as ort
    from onnx import TensorProto, helper, numpy_helper

    from paperwire.embedding import ONNX_FILE

    model = onnx.load(str(model_dir / ONNX_FILE))
    weights = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    levels = np.random.default_rng(0).integers(0, 256, (64, 1536))
    levels[0, :2] = 0, 255  # so the activations' scale is exactly 1/16, their zero point 64
    errors = []
    for node in (n for n in model.graph.node if n.op_type == "MatMulInteger"):
        w, w0 = node.input[1], node.input[3]
        ws = w.removesuffix("_quantized") + "_scale"
        q = levels[:, : weights[w].shape[0]]
        graph = helper.make_graph(
            [helper.make_node("DynamicQuantizeLinear", ["x"], ["xq", "xs", "x0"]),
             helper.make_node("MatMulInteger", ["xq", w, "x0", w0], ["sum"]),
             helper.make_node("Cast", ["sum"], ["float_sum"], to=TensorProto.FLOAT),
             helper.make_node("Mul", ["xs", ws], ["scale"]),
             helper.make_node("Mul", ["float_sum", "scale"], ["y"])], "one_matmul",
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, list(q.shape))],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
            [numpy_helper.from_array(weights[name], name) for name in (w, w0, ws)])
        one = helper.make_model(graph, opset_imports=model.opset_import,
                                ir_version=model.ir_version)
        session = ort.InferenceSession(one.SerializeToString(),
                                       providers=["CPUExecutionProvider"])
        y = session.run(None, {"x": ((q - 64) / 16).astype(np.float32)})[0]
        exact = ((q - 64.0) @ (weights[w] - weights[w0].astype(np.float64))
                 * (weights[ws] / 16.0))  # float64 sums of integers: exact here
        errors.append(float(np.abs(y - exact).max() / np.abs(exact).max()))
    return errors


def test_quantized_matmuls_compute_exact_integer_products(model_dir):
    """Why the model agrees with the reference alike on every x86 CPU: its 8-bit products
    are exact, on AVX2 as with VNNI (full-range int8 weights fail this without VNNI, where
    vpmaddubsw saturates: see model_build.py). The error allowed is float32 rounding."""
    errors = quantized_matmul_errors(model_dir)
    assert max(errors) < 1e-5, errors
    assert len(errors) == 6 * 5  # per layer q, k, v, attention output, FFN input (not output)


def test_semantic_search_finds_meaning_without_shared_words(embedded):
    results = search(embedded, "ordering of time steps when fitting PDE solvers with deep nets",
                     mode="semantic", limit=3)
    assert keys(results.hits)[0] == "2203.07404"
    assert keys(search(embedded, "neural machine translation without recurrence",
                       mode="semantic", limit=1).hits) == ["1706.03762"]


def test_hybrid_is_the_default_once_papers_are_embedded(embedded):
    results = search(embedded, "residual networks image")
    assert results.mode == "hybrid" and keys(results.hits)[0] == "1512.03385"


def test_filters_apply_to_semantic_results(embedded):
    from paperwire.index.lexical import Filters

    ingest(embedded.store, [Paper(title="Causal training of PINNs revisited", abstract="Causality in PINN training.",
                                  published=__import__("datetime").date(2024, 1, 1), sources=["t"])])
    embed_service.embed_pending(embedded)
    results = search(embedded, "causality physics-informed training", mode="semantic",
                     filters=Filters(date_from=__import__("datetime").date(2023, 6, 1)))
    assert keys(results.hits) == [Paper(title="Causal training of PINNs revisited").key]


def test_embedding_is_incremental_and_follows_text_changes(embedded):
    assert embed_service.embed_pending(embedded).encoded == 0
    ingest(embedded.store, [Paper(arxiv_id="1706.03762", title="Attention is all you need",
                                  external_upvotes=99, sources=["hf-daily"])])
    report = embed_service.embed_pending(embedded)
    assert (report.encoded, report.unchanged_text) == (0, 1)  # only upvotes changed
    ingest(embedded.store, [Paper(arxiv_id="1706.03762", version=6, title="Attention is all you need",
                                  abstract="Songbirds of Europe, recorded and annotated.", sources=["t"])])
    assert embed_service.embed_pending(embedded).encoded == 1
    top = search(embedded, "recordings of European bird species", mode="semantic", limit=2)
    assert "1706.03762" in keys(top.hits)


def test_an_interrupted_embed_job_resumes_where_it_stopped(library, model_dir, monkeypatch):
    ingest(library.store, PAPERS)
    monkeypatch.setattr(embed_service, "BATCH", 2)

    def stop_after_first_batch(n):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        embed_service.embed_pending(library, on_progress=stop_after_first_batch)
    assert embed_service.pending(library) == len(PAPERS) - 2
    assert embed_service.embed_pending(library).encoded == len(PAPERS) - 2
    assert embed_service.pending(library) == 0


def test_similar_papers_exclude_the_paper_itself_and_make_sense(embedded):
    diffusion = embedded.store.find("2006.11239")
    found = similar_to_paper(embedded, diffusion, limit=3)
    assert len(found) == 3 and "2006.11239" not in keys(f for f in found)
    assert keys(f for f in found)[0] == "1512.03385"  # the other image paper
    text = similar_to_text(embedded, "a dataset of bird vocalisations", limit=1)
    assert keys(text) == [PAPERS[5].key]
    by_date = similar_to_paper(embedded, diffusion, limit=5, sort="upvotes")
    assert len(by_date) == 5


@pytest.mark.parametrize("mode", ["semantic", "hybrid"])
def test_hostile_queries_in_semantic_modes_never_raise(embedded, mode):
    for query in HOSTILE:
        assert isinstance(search(embedded, query, mode=mode).hits, list)


def test_graph_index_agrees_with_exact_search_and_is_rebuilt_when_broken(embedded, monkeypatch):
    query = embedded.embedder.encode(["diffusion models for images"])[0]
    exact = embedded.vectors.search(query, 3)
    monkeypatch.setattr(vector_index, "EXACT_BELOW", 2)
    path = embedded.settings.vectors_dir
    graph = vector_index.VectorIndex(embedded.store, path, "all-MiniLM-L6-v2", 384)
    assert graph.graph is not None and (path / "hnsw.bin").exists()
    assert [p for p, _ in graph.search(query, 3)] == [p for p, _ in exact]
    (path / "hnsw.bin").write_bytes(b"not a graph")
    reopened = vector_index.VectorIndex(embedded.store, path, "all-MiniLM-L6-v2", 384)
    assert [p for p, _ in reopened.search(query, 3)] == [p for p, _ in exact]
    shutil.rmtree(path)
    again = vector_index.VectorIndex(embedded.store, path, "all-MiniLM-L6-v2", 384)
    assert len(again) == len(PAPERS)
    # a new vector reaches the graph without a rebuild
    ingest(embedded.store, [Paper(title="Score-based generative modeling", abstract="Diffusion via SDEs.", sources=["t"])])
    embed_service.embed_pending(embedded)
    again.refresh()
    assert len(again) == len(PAPERS) + 1


def test_cli_similar_and_semantic_search(cli, tmp_path, model_dir):
    path = tmp_path / "p.jsonl"
    path.write_text("".join(json.dumps({"arxiv_id": p.arxiv_id, "title": p.title, "abstract": p.abstract}) + "\n"
                            for p in PAPERS if p.arxiv_id))
    assert cli("import", "--embed", str(path)).exit_code == 0
    out = json.loads(cli("similar", "arXiv:2006.11239v2", "--json", "--limit", "2").output)
    assert [r["id"] for r in out][0] == "1512.03385"
    piped = cli("similar", "--text", "-", "--limit", "1", input="word vectors from big corpora")
    assert "Efficient estimation of word representations" in piped.output
    unknown = cli("similar", "9999.99999")
    assert unknown.exit_code == 1 and "no paper with id" in unknown.output
    assert cli("similar").exit_code == 2
    found = json.loads(cli("search", "--mode", "semantic", "--json", "picture generation by denoising").output)
    assert found["mode"] == "semantic" and found["results"][0]["id"] == "2006.11239"


def test_the_listing_pages_query_finds_the_causality_pinn_papers(cli, shared, model_dir):
    pages = sorted((shared / "fixtures/listings").glob("*.txt"))
    assert cli("import", "--embed", *map(str, pages)).exit_code == 0
    for mode in ("semantic", "hybrid"):
        out = json.loads(cli("search", "respecting causality in physics-informed training",
                             "--mode", mode, "--limit", "5", "--json").output)
        titles = [r["title"] for r in out["results"]]
        assert any(t.startswith("Respecting causality is all you need") for t in titles), mode
        assert any(t.startswith("Lagrangian PINNs: A causality-conforming") for t in titles), mode


def test_lean_model_agrees_with_the_reference_on_512_scifact_abstracts(model_dir, shared):
    import json

    lines = (shared / "eval/scifact/corpus.jsonl").read_text().splitlines()[:512]
    texts = [paper_text(d["title"], d["text"]) for d in map(json.loads, lines)]
    fast, reference = OnnxEmbedder(model_dir).encode(texts), TorchEmbedder().encode(texts)
    cosine = (fast * reference).sum(axis=1)
    assert len(texts) == 512 and cosine.min() >= 0.99, cosine.min()


def test_gibberish_finds_nothing_instead_of_the_nearest_papers(embedded):
    for nonsense in ("xqzvbw plorfk", "zzkqv wqmmpt vrrrx", "asdfgh qwerty zxcvb"):
        for mode in ("semantic", "hybrid"):
            results = search(embedded, nonsense, mode=mode)
            assert results.hits == [] and results.total == 0, (nonsense, mode)
    assert search(embedded, "attention is all you need", mode="semantic").hits


def test_a_phrase_that_occurs_nowhere_finds_nothing_in_hybrid_search(embedded):
    results = search(embedded, '"residual networks for protein folding"', mode="hybrid")
    assert results.hits == []
    assert keys(search(embedded, '"residual learning"', mode="hybrid").hits)[0] == "1512.03385"


def test_a_model_built_by_an_earlier_scheme_is_rebuilt_not_loaded(tmp_path, model_dir):
    """An install upgraded from before issue 17 holds the full-range int8 file, whose
    vectors depended on the CPU: it must be replaced, not used."""
    from paperwire.embedding import EARLIER_ONNX_FILES, TOKENIZER_FILE, is_prepared
    from paperwire.model_build import prepare

    folder = tmp_path / "models"
    folder.mkdir()
    earlier = folder / EARLIER_ONNX_FILES[0]
    earlier.write_bytes(b"an earlier model")
    (folder / TOKENIZER_FILE).write_bytes((model_dir / TOKENIZER_FILE).read_bytes())
    assert not is_prepared(folder)
    prepare(folder)
    assert is_prepared(folder) and not earlier.exists()
    assert OnnxEmbedder(folder).encode(["a paper"]).shape == (1, 384)
