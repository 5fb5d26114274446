"""Shell commands: ``flask --app wsgi <command>``."""

import sys

import click
from flask import Flask, current_app

from .auth import services as auth_services
from .auth.forms import PASSWORD_MESSAGES
from .auth.models import Role
from .demo import credentials_path, seed_demo
from .events.services import load_reference_data
from .extensions import db
from . import maintenance


def read_password() -> str:
    """Asked twice on a terminal; otherwise the first line of standard input."""
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\n")


@click.command("create-user")
@click.argument("email")
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
@click.option("--name", default="", help="Display name (defaults to the part of the email before @).")
def create_user_command(email: str, role: str, name: str) -> None:
    """Create a staff account."""
    if "@" not in email:
        raise click.BadParameter("not an email address", param_hint="EMAIL")
    if auth_services.user_by_email(email):
        raise click.ClickException(f"An account with the email {email} already exists.")
    password = read_password()
    problem = auth_services.password_problem(password)
    if problem:
        raise click.ClickException(str(PASSWORD_MESSAGES[problem]))
    user = auth_services.create_user(email, name or email.split("@")[0], Role(role), password)
    db.session.flush()
    auth_services.log_action(None, "user.create", user, email=user.email, role=role, via="shell")
    db.session.commit()
    click.echo(f"Created {role} account {user.email}.")


@click.command("seed-demo")
def seed_demo_command() -> None:
    """Fill an empty database with the demo year 2015."""
    if not seed_demo(current_app.instance_path):
        raise click.ClickException("The database already has events; the demo year is loaded only into an empty one.")
    db.session.commit()
    click.echo("Loaded the demo year 2015.")
    print_demo_login()


@click.command("setup")
def setup_command() -> None:
    """Reference lists, and on an empty database the demo year (used by `make run`)."""
    added = load_reference_data()
    seeded = seed_demo(current_app.instance_path)
    db.session.commit()
    if added:
        click.echo(f"Added {added} reference list entries.")
    if seeded:
        click.echo("Loaded the demo year 2015.")
    print_demo_login()


def print_demo_login() -> None:
    path = credentials_path(current_app.instance_path)
    if path.exists():
        click.echo("Log in at /login with a demo account (email, password):")
        for line in path.read_text().splitlines():
            click.echo("  " + line.replace("\t", "  "))


def init_app(app: Flask) -> None:
    for command in (create_user_command, seed_demo_command, setup_command):
        app.cli.add_command(command)
    for command in maintenance.COMMANDS:  # backup, anonymise
        app.cli.add_command(command)
    from .reports.cli import export_year_command

    app.cli.add_command(export_year_command)
