"""The site and its JSON API, served for real and driven over HTTP like a user's browser."""

import json
import os
from concurrent.futures import ThreadPoolExecutor

import pytest
from lxml import etree

from tests.conftest import write_jsonl
from tests.pg import on_postgres, refuse_writes
from tests.servers import ArxivReplay, Site, csrf_of, sign_up
from tests.waiting import wait_until

XSS = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
RECORDS = [
    {"arxiv_id": "2203.07404", "title": f"Respecting causality {XSS}",
     "abstract": "We show $\\mathcal{L} = \\sum_i w_i \\mathcal{L}_i$ with a & b < c.",
     "authors": ["Sifan Wang", "Paris Perdikaris"], "published": "2025-03-14", "upvotes": 7,
     "categories": ["cs.LG"], "code_url": "javascript:alert(3)"},
    {"arxiv_id": "2503.00002", "title": "Graph transformers", "abstract": "Graphs and attention.",
     "published": "2025-03-14", "upvotes": 12},
    {"arxiv_id": "2503.00003", "title": "Diffusion for proteins", "abstract": "Proteins.",
     "published": "2025-03-13", "upvotes": 3},
    {"title": "Old paper without id", "abstract": "An older abstract.", "published": "2025-02-01"},
]
ATOM = """<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:arxiv="http://arxiv.org/schemas/atom">
<entry><id>http://arxiv.org/abs/2401.00001v1</id><title>Submitted by id</title>
<summary>Fetched from the arXiv API.</summary><published>2024-01-01T00:00:00Z</published>
<updated>2024-01-01T00:00:00Z</updated><author><name>Ada Lovelace</name></author>
<category term="cs.LG"/></entry></feed>"""
EMPTY = '<feed xmlns="http://www.w3.org/2005/Atom"></feed>'


@pytest.fixture
def arxiv():
    replay = ArxivReplay()
    replay.add("2401.00001", ATOM.encode())
    replay.add("2401.99999", EMPTY.encode())
    yield replay
    replay.close()


@pytest.fixture
def site(tmp_path, arxiv):
    db = tmp_path / "site.db"
    env = {**os.environ, "PAPERWIRE_ARXIV_API": arxiv.url, "PAPERWIRE_ARXIV_INTERVAL": "0"}
    running = Site(db, env)
    running.cli("import", str(write_jsonl(tmp_path / "papers.jsonl", RECORDS)))
    yield running
    running.stop()


def signed_in(site: Site, name: str):
    client = site.client()
    sign_up(client, name)
    return client


def test_feed_ranks_the_days_papers_by_upvotes_and_navigates(site):
    with site.client() as c:
        day = c.get("/papers/date/2025-03-14").text
        assert day.index("Graph transformers") < day.index("Respecting causality")
        assert "Diffusion for proteins" not in day
        assert 'href="/papers/date/2025-03-13" rel="prev"' in day
        assert "Diffusion for proteins" in c.get("/papers/date/2025-03-13").text
        week = c.get("/papers/week/2025-W11").text
        assert "Diffusion for proteins" in week and "Graph transformers" in week
        month = c.get("/papers/month/2025-03").text
        assert "Old paper without id" not in month
        assert "Old paper without id" in c.get("/papers/month/2025-02").text
        home = c.get("/").text
        assert "Graph transformers" in home  # the latest day with papers
        # anonymous pages carry no per-visitor token, so one cached copy serves everyone
        assert 'name="csrf"' not in home and 'title="Sign in to upvote"' in home
        assert c.get("/papers/week/2025-W99").status_code == 404
        assert c.get("/papers/date/2025-02-30").status_code == 404


def test_imported_markup_is_escaped_everywhere(site):
    with site.client() as c:
        for page in ("/papers/date/2025-03-14", "/papers/2203.07404", "/search?q=causality",
                     "/trending"):
            html = c.get(page).text
            assert "<script>alert(2)" not in html and '<img src=x' not in html, page
            assert "&lt;script&gt;" in html, page
        paper = c.get("/papers/2203.07404").text
        assert "javascript:alert(3)" not in paper  # unsafe code link not linked
        assert "a &amp; b &lt; c" in paper
        rss = c.get("/feeds/daily.rss")
        assert rss.headers["content-type"].startswith("application/rss+xml")
        items = etree.fromstring(rss.content).findall(".//item")
        # escaped for readers that take an RSS title as HTML (issue 21): text, never a tag
        assert any("&lt;script&gt;" in i.findtext("title") for i in items)


def test_sign_up_sign_in_and_session_cookie_flags(site):
    with site.client() as c:
        r = c.post("/signup", data={"csrf": csrf_of(c, "/signup"), "username": "ada",
                                    "password": "analytical engine"})
        assert r.status_code == 303
        cookie = r.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=lax" in cookie
        assert "ada" in c.get("/").text and "Sign out" in c.get("/").text
        c.post("/signout", data={"csrf": csrf_of(c, "/")})
        assert "Sign in" in c.get("/").text
    with site.client() as c:
        bad = c.post("/signin", data={"csrf": csrf_of(c), "username": "ada", "password": "nope"})
        assert bad.status_code == 401 and "wrong username or password" in bad.text
        ok = c.post("/signin", data={"csrf": csrf_of(c), "username": "ada",
                                     "password": "analytical engine", "next": "//evil.example"})
        assert ok.status_code == 303 and ok.headers["location"] == "/"
        taken = c.post("/signup", data={"csrf": csrf_of(c, "/signup"), "username": "ADA",
                                        "password": "another password"})
        assert taken.status_code == 400 and "taken" in taken.text


def test_passwords_are_stored_as_argon2id(site):
    with site.client() as c:
        sign_up(c, "grace", "compiler pioneer")
    stored = site.query("SELECT password_hash FROM users WHERE username = 'grace'")[0][0]
    assert stored.startswith("$argon2id$") and "compiler" not in stored


def test_forms_without_a_valid_csrf_token_are_refused(site):
    with site.client() as c:
        assert c.post("/signup", data={"username": "x1x", "password": "12345678"}).status_code == 403
        sign_up(c, "alan")
        for path, data in (("/p/1/upvote", {"up": "true"}), ("/p/1/comments", {"body": "hi"}),
                           ("/collections", {"name": "c"}), ("/submit", {"paper": "2401.00001"})):
            assert c.post(path, data=data).status_code == 403, path
            assert c.post(path, data={**data, "csrf": "forged"}).status_code == 403, path
        api = c.post("/api/papers/2203.07404/upvote", json={"up": True})
        assert api.status_code == 403 and api.json()["error"]


def test_sign_in_brute_force_is_rate_limited(site):
    with site.client() as c:
        sign_up(c, "linus")
    with site.client() as c:
        codes = [c.post("/signin", data={"csrf": csrf_of(c), "username": "linus",
                                         "password": f"guess {i}"}).status_code
                 for i in range(7)]
        assert codes[:5] == [401] * 5 and codes[5] == 429
        limited = c.post("/signin", data={"csrf": csrf_of(c), "username": "linus",
                                          "password": "correct horse 1"})
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) >= 1


def test_upvotes_toggle_and_stay_one_per_user_under_concurrent_clicks(site):
    c = signed_in(site, "ada")
    token = csrf_of(c, "/")
    with ThreadPoolExecutor(8) as pool:
        codes = list(pool.map(lambda _: c.post("/p/1/upvote", data={"csrf": token, "up": "true"},
                                               headers={"referer": site.url + "/"}).status_code,
                              range(12)))
    assert set(codes) == {303}
    paper = c.get("/api/papers/2203.07404").json()
    assert (paper["upvotes"], paper["localUpvotes"]) == (8, 1)  # 7 external + 1 local
    c.post("/p/1/upvote", data={"csrf": token, "up": "false"})
    c.post("/p/1/upvote", data={"csrf": token, "up": "false"})
    assert c.get("/api/papers/2203.07404").json()["upvotes"] == 7
    r = c.post("/api/papers/2203.07404/upvote", json={"up": True},
               headers={"X-CSRF-Token": token})
    assert r.status_code == 200 and r.json()["upvotes"] == 8
    anonymous = site.client()
    assert anonymous.post("/api/papers/2203.07404/upvote", json={"up": True}).status_code == 401
    c.close()


def test_a_database_that_refuses_writes_is_a_503_in_words_and_pages_still_read(site):
    """A full, read-only or unreachable store: a write is answered 503 with Retry-After and
    plain words (it was a bare 500), the reading pages still answer, and writes work again
    once the database takes them."""
    if not on_postgres():
        pytest.skip("a root process's SQLite file cannot be made to refuse writes from "
                    "outside; the PostgreSQL pass runs this (same handler, sqlite3's errors)")
    c = signed_in(site, "ada")
    token = csrf_of(c, "/")

    def vote(up: bool):
        return c.post("/api/papers/2203.07404/upvote", json={"up": up},
                      headers={"X-CSRF-Token": token})

    refuse_writes(site.db)
    try:
        refused = [vote(True) for _ in range(3)]  # the first may meet an ended session
        assert {r.status_code for r in refused} == {503}
        assert "nothing was changed" in refused[-1].json()["error"]
        assert refused[-1].headers["retry-after"] == "30"
        page = c.post("/p/1/upvote", data={"csrf": token, "up": "true"})
        assert page.status_code == 503 and "try again in a moment" in page.text
        assert c.get("/").status_code == 200
        assert c.get("/api/papers/2203.07404").json()["upvotes"] == 7
    finally:
        refuse_writes(site.db, refuse=False)
    wait_until(lambda: vote(True).status_code == 200, "the vote is taken once writes are")
    assert c.get("/api/papers/2203.07404").json()["upvotes"] == 8
    c.close()


def _card_of(c, pid: int):
    from lxml import html as lhtml

    return lhtml.fromstring(c.get("/").text).get_element_by_id(f"paper-{pid}")


def test_a_readers_card_carries_their_own_token_and_vote_never_anothers(site):
    """Signed-in cards are kept whole and shared across readers (web/kept_cards.py):
    each reader's still carries their token, their own mark, and everyone's count."""
    ada, bob = signed_in(site, "ada"), signed_in(site, "bob")
    tokens = {"ada": csrf_of(ada, "/"), "bob": csrf_of(bob, "/")}
    assert tokens["ada"] != tokens["bob"]
    for c in (ada, bob):
        _card_of(c, 1)  # each reader's card is rendered and kept before the vote
    assert ada.post("/p/1/upvote", data={"csrf": tokens["ada"], "up": "true"}).status_code == 303

    def button(c):
        return _card_of(c, 1).xpath(".//button[contains(@class, 'upvote')]")[0]

    count = "string(.//span)"
    assert button(ada).xpath(count) == "8"  # 7 external + her own, at once
    # another reader sees her vote within the feed's few seconds (design: within 10 s)
    wait_until(lambda: button(bob).xpath(count) == "8", "bob's card counts ada's vote")
    for name, c, on in (("ada", ada, True), ("bob", bob, False), ("ada", ada, True)):
        card = _card_of(c, 1)
        assert button(c).get("aria-pressed") == ("true" if on else "false"), name
        assert set(card.xpath(".//input[@name='csrf']/@value")) == {tokens[name]}, name
    ada.close()
    bob.close()


def test_a_kept_card_carries_each_pages_own_highlights_way_back_and_token(site):
    """Cards are kept whole across pages and queries (web/kept_cards.py): on two searches
    that find the same paper, each card highlights its own query's word and its
    sign-in-to-vote link comes back to its own search; a signed-in reader's carries their
    own token."""
    from lxml import html as lhtml

    def card(c, query: str):
        page = lhtml.fromstring(c.get(f"/search?q={query}&mode=lexical").text)
        return page.get_element_by_id("paper-2")

    with site.client() as c:
        for word in ("graph", "transformers", "graph"):
            found = card(c, word)
            assert [b.text.lower() for b in found.xpath(".//h2//b")] == [word]
            assert found.xpath(".//a[@class='vote-link']/@href") == [
                f"/signin?next=/search%3Fq%3D{word}%26mode%3Dlexical%23paper-2&upvote=2"]
    for name in ("ada", "bob"):
        c = signed_in(site, name)
        token = csrf_of(c, "/")
        assert set(card(c, "graph").xpath(".//input[@name='csrf']/@value")) == {token}
        c.close()


def test_comments_are_markdown_rendered_and_sanitized(site):
    c = signed_in(site, "ada")
    token = csrf_of(c, "/papers/2203.07404")
    body = ("**bold** and [ok](https://example.org) [bad](javascript:alert(1)) "
            "<script>alert(1)</script> <a href=x onclick=alert(1)>x</a> "
            "![img](https://example.org/x.png)")
    r = c.post("/p/1/comments", data={"csrf": token, "body": body})
    assert r.status_code == 303
    html = c.get("/papers/2203.07404").text
    assert "<strong>bold</strong>" in html
    assert 'href="https://example.org"' in html and 'rel="nofollow noopener ugc"' in html
    for bad in ("<script>alert", 'href="javascript:', "<a href=x onclick", "<img"):
        assert bad not in html, bad  # dangerous markup is gone or shown as inert text
    assert c.post("/p/1/comments", data={"csrf": token, "body": "   "}).status_code == 400
    assert c.get("/api/papers/2203.07404").json()["numComments"] == 1
    c.close()


def _thread_of(html: str, cid: int) -> tuple[str, list[str]]:
    """(the thread's first comment's id, its replies' ids) for the thread holding cid."""
    from lxml import html as lhtml

    page = lhtml.fromstring(html)
    (thread,) = page.xpath(f'//div[@class="thread"][.//*[@id="comment-{cid}"]]')
    first = thread.xpath('./div[contains(@class, "comment")]')[0].get("id")
    return first, [d.get("id") for d in thread.xpath('./div[@class="replies"]/div')]


def test_replies_thread_under_the_comment_they_answer(site):
    ada, bea = signed_in(site, "ada"), signed_in(site, "bea")

    def post(client, body: str, reply_to: int | None = None, pid: int = 1) -> int:
        data = {"csrf": csrf_of(client, "/"), "body": body}
        r = client.post(f"/p/{pid}/comments", data=data | ({"reply_to": reply_to}
                                                          if reply_to else {}))
        assert r.status_code == 303, r.text
        return int(r.headers["location"].rsplit("#comment-", 1)[1])

    question = post(ada, "Does the causal weight need tuning?")
    answer = post(bea, "Only $\\epsilon$; see section 4.", reply_to=question)
    thanks = post(ada, "Thanks!", reply_to=answer)  # a reply to a reply joins the thread
    other = post(bea, "A separate point.")
    page = ada.get("/papers/2203.07404").text
    assert _thread_of(page, thanks) == (f"comment-{question}",
                                        [f"comment-{answer}", f"comment-{thanks}"])
    assert _thread_of(page, other) == (f"comment-{other}", [])
    assert "Comments (4)" in page and page.count('name="reply_to"') == 2
    elsewhere = post(bea, "On another paper.", pid=3)
    for bad in (elsewhere, 99999):
        r = bea.post("/p/1/comments", data={"csrf": csrf_of(bea, "/"), "body": "x",
                                            "reply_to": bad})
        assert r.status_code == 404
    assert bea.post("/p/1/comments", data={"csrf": csrf_of(bea, "/"), "body": "x",
                                           "reply_to": "abc"}).status_code == 422

    ada.post(f"/comments/{question}/delete", data={"csrf": csrf_of(ada, "/")})
    page = bea.get("/papers/2203.07404").text
    assert "Does the causal weight" not in page and "This comment was deleted." in page
    assert _thread_of(page, answer)[1] == [f"comment-{answer}", f"comment-{thanks}"]
    assert "Comments (3)" in page
    post(bea, "Still answerable.", reply_to=answer)
    for cid in (answer,):
        bea.post(f"/comments/{cid}/delete", data={"csrf": csrf_of(bea, "/")})
    ada.post(f"/comments/{thanks}/delete", data={"csrf": csrf_of(ada, "/")})
    page = bea.get("/papers/2203.07404").text
    assert "Still answerable." in page and "Thanks!" not in page
    bea.post(f"/comments/{other}/delete", data={"csrf": csrf_of(bea, "/")})
    assert ada.get("/api/papers/2203.07404").json()["numComments"] == 1
    ada.close(), bea.close()


def test_only_its_author_edits_a_comment_and_the_page_says_so(site):
    ada, bea = signed_in(site, "ada"), signed_in(site, "bea")
    site.cli("user", "admin", "bea")
    paper = "/papers/2203.07404"
    r = ada.post("/p/1/comments", data={"csrf": csrf_of(ada, paper), "body": "Frist!"})
    cid = int(r.headers["location"].rsplit("#comment-", 1)[1])
    assert "edited" not in ada.get(paper).text.split(f'id="comment-{cid}"')[1][:400]

    def edit(client, body: str):
        return client.post(f"/comments/{cid}/edit", data={"csrf": csrf_of(client, paper),
                                                           "body": body},
                           headers={"referer": site.url + paper})

    done = edit(ada, "First, *with* a fix")
    assert done.status_code == 303 and done.headers["location"] == f"{paper}#comment-{cid}"
    page = ada.get(paper).text
    assert "<em>with</em>" in page and "Frist!" not in page
    assert ">edited</span>" in page.split(f'id="comment-{cid}"')[1][:400]
    assert edit(bea, "words put in ada's mouth").status_code == 403, "not even a moderator"
    assert edit(ada, "   ").status_code == 400
    assert "<em>with</em>" in bea.get(paper).text
    assert f'action="/comments/{cid}/edit"' not in bea.get(paper).text
    ada.post(f"/comments/{cid}/delete", data={"csrf": csrf_of(ada, paper)})
    assert edit(ada, "back from the dead").status_code == 404
    ada.close(), bea.close()


def test_collections_private_to_their_owner(site):
    owner = signed_in(site, "owner")
    token = csrf_of(owner, "/")
    r = owner.post("/collections", data={"csrf": token, "name": "Secret reading"})
    private_url = r.headers["location"]
    coll_id = private_url.rsplit("/", 1)[1]
    owner.post("/p/2/collect", data={"csrf": token, "collection": coll_id})
    assert "Graph transformers" in owner.get(private_url).text
    public = owner.post("/collections", data={"csrf": token, "name": "Shared", "public": "true"})
    other = signed_in(site, "other")
    assert other.get(private_url).status_code == 404
    assert other.get(f"/api/collections/{coll_id}").status_code == 404
    assert site.client().get(private_url).status_code == 404
    assert other.get(public.headers["location"]).status_code == 200
    steal = other.post("/p/3/collect", data={"csrf": csrf_of(other, "/"), "collection": coll_id})
    assert steal.status_code == 404
    api = other.post("/api/collections", json={"name": "Mine", "public": True},
                     headers={"X-CSRF-Token": csrf_of(other, "/")})
    assert api.status_code == 201 and api.json()["public"] is True
    owner_page = site.client().get("/users/owner").text
    assert "Shared" in owner_page and "Secret reading" not in owner_page
    owner.close(), other.close()


def test_moderators_hide_papers_and_delete_comments_others_may_not(site):
    author, admin = signed_in(site, "author"), signed_in(site, "mod")
    site.cli("user", "admin", "mod")
    token = csrf_of(author, "/papers/2203.07404")
    author.post("/p/1/comments", data={"csrf": token, "body": "first!"})
    stranger = signed_in(site, "stranger")
    assert stranger.post("/comments/1/delete", data={"csrf": csrf_of(stranger, "/")}).status_code == 403
    assert stranger.post("/p/2/hide", data={"csrf": csrf_of(stranger, "/")}).status_code == 403
    assert admin.post("/comments/1/delete", data={"csrf": csrf_of(admin, "/")}).status_code == 303
    assert "first!" not in admin.get("/papers/2203.07404").text
    assert admin.post("/p/2/hide", data={"csrf": csrf_of(admin, "/")}).status_code == 303
    anonymous = site.client()
    assert anonymous.get("/papers/2503.00002").status_code == 404
    assert "Graph transformers" not in anonymous.get("/papers/date/2025-03-14").text
    assert "Graph transformers" not in anonymous.get("/search?q=graph+transformers").text
    for c in (author, admin, stranger):
        c.close()


def test_hostile_ids_and_queries_never_break_the_site(site):
    with site.client() as c:
        for q in ["' OR 1=1 --", '"; DROP TABLE papers; --', "NEAR(", "\x00", "x" * 250, "🙂"]:
            assert c.get("/search", params={"q": q}).status_code == 200
            assert c.get("/api/papers/search", params={"q": q}).status_code == 200
        for ident in ["1' OR '1'='1", "../../etc/passwd", "%00", "2203.07404'--"]:
            assert c.get(f"/papers/{ident}").status_code == 404
            assert c.get(f"/api/papers/{ident}").status_code == 404
        too_long = c.get("/api/papers/search", params={"q": "x" * 251})
        assert too_long.status_code == 422 and "q" in too_long.json()["error"]
        assert len(c.get("/api/daily_papers", params={"date": "2025-03-14"}).json()) == 2


def test_the_search_api_takes_the_filters_and_order_of_the_page(site):
    with site.client() as c:
        def ids(**params) -> list[str]:
            r = c.get("/api/papers/search", params={"q": "graph OR causality OR proteins",
                                                    "mode": "lexical", **params})
            assert r.status_code == 200, r.text
            return [item["paper"]["id"] for item in r.json()]

        assert ids(category="cs.LG") == ["2203.07404"]
        assert ids(author="Paris Perdikaris") == ["2203.07404"]
        assert set(ids(**{"from": "2025-03-14"})) == {"2203.07404", "2503.00002"}
        assert ids(**{"to": "2025-03-13"}) == ["2503.00003"]
        assert ids(sort="date")[-1] == "2503.00003"
        assert c.get("/api/papers/search", params={"q": "x", "sort": "random"}).status_code == 422
        assert ids(q="causality OR proteins au:Perdikaris") == ["2203.07404"]
        page = c.get("/search", params={"q": "cat:cs.LG"}).text
        assert 'href="/papers/2203.07404"' in page and 'href="/papers/2503.00002"' not in page


def test_daily_papers_api_follows_hugging_face(site):
    with site.client() as c:
        items = c.get("/api/daily_papers", params={"date": "2025-03-14"}).json()
        first = items[0]
        assert first["paper"]["id"] == "2503.00002" and first["paper"]["upvotes"] == 12
        assert set(first) >= {"paper", "publishedAt", "title", "summary", "numComments",
                              "submittedBy"}
        assert first["paper"]["authors"] == [] and items[1]["paper"]["authors"][0] == {"name": "Sifan Wang"}
        paged = c.get("/api/daily_papers", params={"month": "2025-03", "limit": 1})
        assert len(paged.json()) == 1 and 'rel="next"' in paged.headers["link"]
        second = c.get(paged.headers["link"].split(">")[0].lstrip("<"))
        assert second.json()[0]["paper"]["id"] != paged.json()[0]["paper"]["id"]
        assert c.get("/api/daily_papers", params={"week": "2025-W11"}).json()
        trending = c.get("/api/daily_papers", params={"sort": "trending"}).json()
        assert trending[0]["paper"]["id"] == "2503.00002"
        for bad in ({"limit": 0}, {"limit": 101}, {"date": "yesterday"}, {"week": "2025-11"},
                    {"date": "2025-03-14", "month": "2025-03"}, {"sort": "best"}):
            r = c.get("/api/daily_papers", params=bad)
            assert r.status_code in (400, 422) and r.json()["error"], bad
        assert c.get("/api/papers/9999.99999").json()["status"] == 404


def test_feeds_are_valid_rss_and_atom(site):
    with site.client() as c:
        rss = etree.fromstring(c.get("/feeds/daily.rss").content)
        assert [i.findtext("title") for i in rss.findall(".//item")][0] == "Graph transformers"
        atom = etree.fromstring(c.get("/feeds/trending.atom").content)
        assert atom.tag == "{http://www.w3.org/2005/Atom}feed"
        # trending looks back 30 days from the newest paper: the February one is out
        assert len(atom.findall("{http://www.w3.org/2005/Atom}entry")) == 3
        assert c.get("/feeds/other.rss").status_code == 404


def test_submit_by_id_or_url_with_clear_refusals(site, arxiv):
    c = signed_in(site, "ada")
    token = csrf_of(c, "/submit")
    r = c.post("/submit", data={"csrf": token, "paper": "https://arxiv.org/abs/2401.00001v1"})
    assert r.status_code == 303 and r.headers["location"] == "/papers/2401.00001"
    page = c.get("/papers/2401.00001").text
    assert "Submitted by id" in page and "submitted by <a href=\"/users/ada\">ada</a>" in page
    assert c.get("/api/daily_papers", params={"submitter": "ada"}).json()[0]["submittedBy"] == {"name": "ada"}
    again = c.post("/submit", data={"csrf": token, "paper": "arXiv:2401.00001"})
    assert again.status_code == 400 and "already here" in again.text
    missing = c.post("/submit", data={"csrf": token, "paper": "2401.99999"})
    assert missing.status_code == 400 and "arXiv has no paper" in missing.text
    junk = c.post("/submit", data={"csrf": token, "paper": "not an id"})
    assert junk.status_code == 400 and "is not an arXiv id" in junk.text
    arxiv.close()
    down = c.post("/submit", data={"csrf": token, "paper": "2401.00002"})
    assert down.status_code == 503 and "cannot reach arXiv right now" in down.text
    assert "Nothing was saved: try again later." in down.text
    assert "could not be reached" in down.text.split("What went wrong")[1]  # for the operator
    assert site.client().get("/submit").status_code == 303  # sign in first
    c.close()


def test_submit_replays_recorded_arxiv_responses(site, arxiv, shared):
    arxiv.add_recorded(shared / "fixtures" / "arxiv-api")
    c = signed_in(site, "ada")
    token = csrf_of(c, "/submit")
    r = c.post("/submit", data={"csrf": token, "paper": "1605.08386"})
    assert r.status_code == 303
    assert "Heat-bath random walks with Markov bases" in c.get("/papers/1605.08386").text
    bad = c.post("/submit", data={"csrf": token, "paper": "0000.0000"})
    assert bad.status_code == 400 and "arXiv has no paper" in bad.text
    c.close()


def test_openapi_schema_lists_the_api(site):
    with site.client() as c:
        schema = c.get("/openapi.json").json()
        assert {"/api/daily_papers", "/api/papers/search", "/api/papers/{ident}/similar",
                "/api/collections"} <= set(schema["paths"])
        docs = c.get("/docs")
        assert docs.status_code == 200 and "/openapi.json" in docs.text
        assert "Authorization: Bearer" in docs.text
        assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
        assert {"HTTPBearer": []} in schema["paths"]["/api/for-you"]["get"]["security"]
    json.dumps(schema)


def test_the_sources_page_is_for_moderators(site, tmp_path):
    from datetime import date

    from tests.replay import HfDays, Replay, hf_item

    hf = Replay(HfDays({"2026-11-18": [hf_item(1, date(2026, 11, 18))]}),
                content_type="application/json")
    try:
        site.cli("harvest", "hf", "--base-url", hf.url, "--date", "2026-11-18")
    finally:
        hf.close()
    reader, mod = signed_in(site, "reader"), signed_in(site, "boss")
    site.cli("user", "admin", "boss")
    signed_out = site.client().get("/admin/status")  # to sign in, and back here
    assert signed_out.status_code == 303
    assert signed_out.headers["location"] == "/signin?next=%2Fadmin%2Fstatus"
    assert reader.get("/admin/status").status_code == 403
    page = mod.get("/admin/status")
    assert page.status_code == 200
    assert "No worker is running" in page.text
    assert "arxiv-oai:cs" in page.text and "the next run starts from 2026-11-18" in page.text
    assert 'href="/admin/status"' in page.text and 'href="/admin/status"' not in reader.get("/").text
    reader.close(), mod.close()


def test_healthz_checks_the_store_and_the_indexes(site):
    import shutil

    with site.client() as c:
        ok = c.get("/healthz")
        assert ok.status_code == 200 and ok.headers["cache-control"] == "no-store"
        assert ok.json() | {"problems": []} == {"status": "ok", "papers": 4, "lexical_docs": 4,
                                                 "vectors": 0, "problems": []}
        shutil.rmtree(site.index_dir / "lexical")
        broken = c.get("/healthz")
        assert broken.status_code == 503 and broken.json()["status"] == "failing"
        assert broken.json()["problems"][0].startswith("lexical index:")
