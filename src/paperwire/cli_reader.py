"""Commands about readers: accounts with email, votes, follows, for-you, export, digests.
Registered on the main group by paperwire.cli."""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import click

from paperwire import clock
from paperwire.services.community import accounts, contributions
from paperwire.services.discovery import search as search_service
from paperwire.services.discovery.papers import find_paper
from paperwire.services.errors import Invalid
from paperwire.services.library import Library
from paperwire.services.mail import digest, mailer, subscriptions
from paperwire.services.personal import export, foryou, signals
from paperwire.store.site import User


def _fail(message: str, code: int = 1):
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def _user(library: Library, name: str) -> User:
    user = library.site.user_by_name(name)
    return user if user is not None else _fail(f"no user {name!r}")


def register(main: click.Group, user_group: click.Group, library_of) -> None:
    @user_group.command(name="add")
    @click.argument("username")
    @click.option("--email", help="Their address; a confirmation link is mailed to it.")
    @click.pass_context
    def user_add(ctx: click.Context, username: str, email: str | None) -> None:
        """Create an account; the password is read from standard input."""
        library = library_of(ctx.parent)
        password = sys.stdin.readline().rstrip("\r\n")
        try:
            user = accounts.sign_up(library.site, username, password)
            if email:
                subscriptions.set_account_email(library, user, email)
        except (accounts.AccountError, Invalid) as e:
            _fail(str(e))
        click.echo(f"created {username}" + (f"; confirmation mail queued for {email}"
                                            if email else ""))

    @user_group.command(name="password")
    @click.argument("username")
    @click.pass_context
    def user_password(ctx: click.Context, username: str) -> None:
        """Set a new password (read from standard input); signs the account out everywhere."""
        library = library_of(ctx.parent)
        user = _user(library, username)
        try:
            accounts.set_password(library.site, user, sys.stdin.readline().rstrip("\r\n"))
        except accounts.AccountError as e:
            _fail(str(e))
        click.echo(f"new password set for {user.username}; their sessions have ended")

    @user_group.command(name="token")
    @click.argument("username")
    @click.option("--name", "label", default="command line", show_default=True,
                  help="What the token is for, as its owner sees it in Settings.")
    @click.pass_context
    def user_token(ctx: click.Context, username: str, label: str) -> None:
        """Make an API token for an account and print it (it is not shown again)."""
        library = library_of(ctx.parent)
        try:
            click.echo(accounts.new_api_token(library.site, _user(library, username), label))
        except accounts.AccountError as e:
            _fail(str(e))

    @main.command()
    @click.argument("username")
    @click.argument("ident")
    @click.option("--down", is_flag=True, help="Not interested: never show it to them again.")
    @click.option("--undo", is_flag=True, help="Take the vote (or the --down) back.")
    @click.pass_context
    def vote(ctx: click.Context, username: str, ident: str, down: bool, undo: bool) -> None:
        """Upvote a paper for a user, or mark it not interested (--down)."""
        library = library_of(ctx)
        user, sp = _user(library, username), find_paper(library, ident)
        if sp is None:
            _fail(f"no paper with id {ident!r}")
        if down:
            signals.set_not_interested(library, user, sp, not undo)
        else:
            contributions.set_upvote(library.site, user, sp, not undo)
        click.echo(f"{username}: {'not interested in' if down else 'upvoted'}"
                   f"{' (undone)' if undo else ''} {sp.paper.key}")

    @main.command()
    @click.argument("username")
    @click.argument("kind", type=click.Choice(signals.FOLLOW_KINDS))
    @click.argument("value")
    @click.option("--remove", is_flag=True, help="Stop following it.")
    @click.pass_context
    def follow(ctx: click.Context, username: str, kind: str, value: str, remove: bool) -> None:
        """Follow an author, a category (cs.RO, or an archive: cs) or a query."""
        library = library_of(ctx)
        user = _user(library, username)
        try:
            if remove:
                key = next((f for f in library.personal.follows(user.uid)
                            if f.kind == kind and f.value.lower() == value.lower()), None)
                if key is None:
                    _fail(f"{username} does not follow {kind} {value!r}")
                signals.unfollow(library, user, key.fid)
            else:
                signals.follow(library, user, kind, value)
        except Invalid as e:
            _fail(str(e))
        click.echo(f"{username} {'no longer follows' if remove else 'follows'} {kind} {value}")

    @main.command(name="for-you")
    @click.argument("username")
    @click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 200))
    @click.option("--json", "as_json", is_flag=True, help="Print JSON.")
    @click.pass_context
    def for_you(ctx: click.Context, username: str, limit: int, as_json: bool) -> None:
        """New papers ranked for a user, each with why."""
        library = library_of(ctx)
        recs = foryou.recommend(library, _user(library, username), limit)
        if as_json:
            click.echo(json.dumps({"results": [
                {"id": r.paper.paper.key, "title": r.paper.paper.title, "reason": r.reason,
                 "score": round(r.score, 4)} for r in recs]}, indent=2, ensure_ascii=False))
            return
        for n, r in enumerate(recs, 1):
            click.echo(f"{n:>3}. {r.paper.paper.title}  [{r.paper.paper.key}]\n     {r.reason}")

    @main.command(name="import-library")
    @click.argument("username")
    @click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
    @click.pass_context
    def import_library(ctx: click.Context, username: str, path: Path) -> None:
        """A user's own library (BibTeX, or Zotero's CSL JSON) as papers they like."""
        library = library_of(ctx)
        try:
            report = signals.import_library(library, _user(library, username), path.read_bytes())
        except Invalid as e:
            _fail(str(e))
        for line in report.errors[:20]:
            click.echo(f"skipped {line}", err=True)
        click.echo(report.summary())

    @main.command(name="export")
    @click.argument("what", type=click.Choice(["collection", "for-you", "search"]))
    @click.argument("value")
    @click.option("--format", "fmt", type=click.Choice(list(export.FORMATS)), default="bibtex",
                  show_default=True)
    @click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 200))
    @click.pass_context
    def export_(ctx: click.Context, what: str, value: str, fmt: str, limit: int) -> None:
        """Export a collection (its id), a user's for-you list (their name) or search
        results (the query) as BibTeX, CSV or JSON, to standard output."""
        library = library_of(ctx)
        reasons = None
        if what == "collection":
            if not value.isdigit() or library.site.collection(int(value)) is None:
                _fail(f"no collection {value!r}")
            papers = contributions.collection_papers(library.site, int(value))
        elif what == "for-you":
            recs = foryou.recommend(library, _user(library, value), limit)
            papers, reasons = [r.paper for r in recs], [r.reason for r in recs]
        else:
            found = search_service.search(library, value, limit=limit)
            papers = [h.paper for h in found.hits]
        click.echo(export.export(papers, fmt, reasons), nl=False)

    @main.group(name="db")
    def db_group() -> None:
        """The store as a whole."""

    @db_group.command(name="copy")
    @click.argument("source")
    @click.argument("target")
    def db_copy(source: str, target: str) -> None:
        """Copy a whole store (an SQLite file or a postgresql:// URL) into another, keeping
        every paper's id; verifies the counts; running it again changes nothing."""
        from paperwire.services.operations import dbcopy
        from paperwire.store import open_store

        src, dst = open_store(source), open_store(target)
        try:
            report = dbcopy.copy_store(src, dst)
        except dbcopy.CopyMismatch as e:
            _fail(f"the copy does not match: {e}")
        finally:
            src.close()
            dst.close()
        click.echo(report.summary())

    @main.group(name="digest")
    def digest_group() -> None:
        """The email digest."""

    @digest_group.command(name="send")
    @click.option("--dry-run", is_flag=True, help="Show what would be composed; send nothing.")
    @click.option("--now", "at", help="Compose as at this moment (ISO 8601, UTC): catch up "
                  "a missed run, or test a schedule.")
    @click.pass_context
    def digest_send(ctx: click.Context, dry_run: bool, at: str | None) -> None:
        """Compose the digests that are due and send the outbox."""
        library = library_of(ctx.parent)
        try:
            now = datetime.fromisoformat(at).astimezone(UTC) if at else clock.now()
        except ValueError:
            _fail(f"--now {at!r} is not an ISO 8601 moment (like 2026-11-25T09:00:00+00:00)")
        composed = digest.compose_due(library, now, dry_run=dry_run)
        if dry_run:
            for c in composed:
                click.echo(f"--- to {c.mail.to_addr}: {c.mail.subject}\n{c.mail.body_text}")
            click.echo(f"{len(composed)} digests would be composed; nothing was sent")
            return
        click.echo(f"{len(composed)} digests composed")
        report = mailer.send_due(library)
        click.echo(report.summary())
        waiting = library.mail.next_retry_at()
        if waiting is not None:
            click.echo(f"next retry in {max(0.0, waiting - now.timestamp()):.0f} s")
        if report.error:
            sys.exit(1)
