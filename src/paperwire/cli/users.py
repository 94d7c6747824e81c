"""`paperwire user …`: site accounts — add, moderator, password, API token."""

from __future__ import annotations

import sys

import click

from paperwire.cli.common import fail, library_of, user_named
from paperwire.services.community import accounts
from paperwire.services.errors import Invalid
from paperwire.services.mail import subscriptions


@click.group()
def user() -> None:
    """Site accounts."""


@user.command(name="admin")
@click.argument("username")
@click.option("--revoke", is_flag=True, help="Take the moderator role away instead.")
@click.pass_context
def user_admin(ctx: click.Context, username: str, revoke: bool) -> None:
    """Make an account a moderator (may hide papers and delete any comment)."""
    if not library_of(ctx.parent).site.set_admin(username, not revoke):
        click.echo(f"error: no user {username!r}", err=True)
        sys.exit(1)
    click.echo(f"{username} is {'no longer ' if revoke else ''}a moderator")


@user.command(name="add")
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
        fail(str(e))
    click.echo(f"created {username}" + (f"; confirmation mail queued for {email}"
                                        if email else ""))


@user.command(name="password")
@click.argument("username")
@click.pass_context
def user_password(ctx: click.Context, username: str) -> None:
    """Set a new password (read from standard input); signs the account out everywhere."""
    library = library_of(ctx.parent)
    user = user_named(library, username)
    try:
        accounts.set_password(library.site, user, sys.stdin.readline().rstrip("\r\n"))
    except accounts.AccountError as e:
        fail(str(e))
    click.echo(f"new password set for {user.username}; their sessions have ended")


@user.command(name="token")
@click.argument("username")
@click.option("--name", "label", default="command line", show_default=True,
              help="What the token is for, as its owner sees it in Settings.")
@click.pass_context
def user_token(ctx: click.Context, username: str, label: str) -> None:
    """Make an API token for an account and print it (it is not shown again)."""
    library = library_of(ctx.parent)
    try:
        click.echo(accounts.new_api_token(library.site, user_named(library, username), label))
    except accounts.AccountError as e:
        fail(str(e))


COMMANDS = (user,)
