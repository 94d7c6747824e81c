"""`paperwire digest send`: compose the digests that are due and send the outbox."""

from __future__ import annotations

import sys
from datetime import UTC, datetime

import click

from paperwire import clock
from paperwire.cli.common import fail, library_of
from paperwire.services.mail import digest, mailer


@click.group(name="digest")
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
        fail(f"--now {at!r} is not an ISO 8601 moment (like 2026-11-25T09:00:00+00:00)")
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


COMMANDS = (digest_group,)
