"""What moderators may do beyond deleting comments: hide a paper everywhere."""

from __future__ import annotations

from paperwire.index.sync import catch_up
from paperwire.services.errors import NotAllowed, NotFound
from paperwire.services.library import Library
from paperwire.store.site import User


def set_paper_hidden(library: Library, moderator: User, pid: int, hidden: bool) -> None:
    if not moderator.is_admin:
        raise NotAllowed("only moderators may hide papers")
    if not library.store.set_hidden(pid, hidden):
        raise NotFound(f"no paper {pid}")
    catch_up(library.store, library.lexical)  # drop it from (or return it to) search
