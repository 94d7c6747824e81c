"""Upvotes, comments and collections, with who may do what."""

from __future__ import annotations

from dataclasses import dataclass, field

from paperwire.services.errors import Invalid, NotAllowed, NotFound
from paperwire.store.base import StoredPaper
from paperwire.store.site import Collection, Comment, NameTaken, SiteStore, User

MAX_COMMENT = 5000
MAX_COLLECTION_NAME = 80


def set_upvote(site: SiteStore, user: User, paper: StoredPaper, up: bool) -> int:
    """The vote ends in the state asked for; returns the paper's local vote count."""
    site.set_vote(user.uid, paper.pid, up)
    return site.vote_counts([paper.pid]).get(paper.pid, 0)


@dataclass
class Thread:
    """A top-level comment and its replies, oldest first. A deleted first comment with live
    replies stays as a placeholder so the replies keep what they answer."""
    comment: Comment
    replies: list[Comment] = field(default_factory=list)

    def live(self) -> list[Comment]:
        return ([] if self.comment.deleted else [self.comment]) + self.replies


def _comment_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise Invalid("a comment cannot be empty")
    if len(body) > MAX_COMMENT:
        raise Invalid(f"a comment has at most {MAX_COMMENT} characters")
    return body


def add_comment(site: SiteStore, user: User, paper: StoredPaper, body: str,
                reply_to: int | None = None) -> int:
    """A comment on the paper, or a reply in the thread of comment reply_to (a reply to a
    reply joins the same thread: threads are one level deep)."""
    body = _comment_body(body)
    parent = None
    if reply_to is not None:
        answered = site.comment(reply_to)
        if answered is None or answered.pid != paper.pid:
            raise NotFound(f"no comment {reply_to} on this paper to reply to")
        parent = answered.parent or answered.cid
    return site.add_comment(paper.pid, user.uid, body, parent)


def threads(site: SiteStore, pid: int) -> list[Thread]:
    """The paper's discussion: threads in the order they began."""
    found: dict[int, Thread] = {}
    for c in site.comments(pid, with_deleted=True):
        if c.parent is None:
            found[c.cid] = Thread(c)
        elif not c.deleted and c.parent in found:
            found[c.parent].replies.append(c)
    return [t for t in found.values() if not t.comment.deleted or t.replies]


def edit_comment(site: SiteStore, user: User, cid: int, body: str) -> Comment:
    """Only its author rewrites a comment (a moderator deletes, never puts words in
    someone's mouth); the page then says it was edited."""
    comment = site.comment(cid)
    if comment is None:
        raise NotFound(f"no comment {cid}")
    if comment.username != user.username:
        raise NotAllowed("only its author may edit a comment")
    site.edit_comment(cid, _comment_body(body))
    return comment


def delete_comment(site: SiteStore, user: User, cid: int) -> Comment:
    comment = site.comment(cid)
    if comment is None:
        raise NotFound(f"no comment {cid}")
    if not user.is_admin and comment.username != user.username:
        raise NotAllowed("only its author or a moderator may delete a comment")
    site.delete_comment(cid)
    return comment


def create_collection(site: SiteStore, user: User, name: str, is_public: bool) -> int:
    name = " ".join(name.split())
    if not name or len(name) > MAX_COLLECTION_NAME:
        raise Invalid(f"a collection's name has 1 to {MAX_COLLECTION_NAME} characters")
    try:
        return site.create_collection(user.uid, name, is_public)
    except NameTaken:
        raise Invalid(f"you already have a collection named {name!r}") from None


def visible_collection(site: SiteStore, viewer: User | None, coll_id: int) -> Collection:
    """A private collection is not found for anyone but its owner: it does not leak."""
    coll = site.collection(coll_id)
    if coll is None or (not coll.is_public and (viewer is None or viewer.uid != coll.uid)):
        raise NotFound(f"no collection {coll_id}")
    return coll


def collection_papers(site: SiteStore, coll_id: int) -> list[StoredPaper]:
    """The visible papers of a collection, in the order they were added."""
    pids = site.items(coll_id)
    papers = site.papers.get_many(pids)
    return [papers[pid] for pid in pids if pid in papers and not papers[pid].hidden]


def own_collection(site: SiteStore, user: User, coll_id: int) -> Collection:
    coll = visible_collection(site, user, coll_id)
    if coll.uid != user.uid:
        raise NotAllowed("only its owner may change a collection")
    return coll


def set_in_collection(site: SiteStore, user: User, coll_id: int, paper: StoredPaper,
                      present: bool) -> None:
    own_collection(site, user, coll_id)
    site.set_item(coll_id, paper.pid, present)
