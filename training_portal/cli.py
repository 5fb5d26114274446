"""Shell commands: ``flask --app wsgi <command>``."""

import sys
from pathlib import Path

import click
from sqlalchemy import select
from flask import Flask, current_app

from . import retention
from .auth import services as auth_services
from .auth.forms import PASSWORD_MESSAGES
from .auth.models import Role, User
from .backup import BackupError, backup_database, integrity_report
from .demo import credentials_path, seed_demo
from .events.services import load_reference_data
from .extensions import db
from .reports import exports, outside_readers
from .reports import period as report_period
from .reports.period import Period, ReportFilters
from .transfer.cli import export_event_command, import_event_command


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
@click.option("--no-demo", is_flag=True, help="Only the reference lists: a real program starts empty.")
def setup_command(no_demo: bool) -> None:
    """Reference lists, and on an empty database the demo year unless --no-demo (`make run DEMO=0`)."""
    added = load_reference_data()
    seeded = False if no_demo else seed_demo(current_app.instance_path)
    db.session.commit()
    if added:
        click.echo(f"Added {added} reference list entries.")
    if seeded:
        click.echo("Loaded the demo year 2015.")
    if no_demo:
        if db.session.scalar(select(User.id).limit(1)) is None:
            click.echo("No account yet: create the first admin with `flask --app wsgi create-user EMAIL --role admin`.")
        return
    print_demo_login()


@click.command("addresses")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=int, default=5000, show_default=True)
def addresses_command(host: str, port: int) -> None:
    """The addresses the server about to start answers at (`make run` prints them)."""
    everywhere = host in ("0.0.0.0", "::")
    click.echo(f"Serving on http://{'127.0.0.1' if everywhere else host}:{port}/login")
    if everywhere:
        lan = lan_addresses()
        if lan:
            click.echo("Phones on this network open:")
            for address in lan:
                click.echo(f"  http://{address}:{port}/")
        base = current_app.config.get("BASE_URL")
        click.echo(f"QR codes and posters point at {base}." if base else
                   f"Set BASE_URL to one of them (make run HOST=0.0.0.0 BASE_URL=http://ADDRESS:{port}) "
                   "so that QR codes and posters point there.")


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses on its networks (a hotspot, a LAN), without the loopback."""
    import socket

    import psutil

    return sorted({entry.address for name, entries in psutil.net_if_addrs().items() for entry in entries
                   if entry.family == socket.AF_INET and not entry.address.startswith("127.")})


def print_demo_login() -> None:
    """The demo accounts, each with its role, so that a first visitor knows which one to try."""
    path = credentials_path(current_app.instance_path)
    if path.exists():
        click.echo("Log in at /login with a demo account (role, email, password):")
        for line in path.read_text().splitlines():
            email, password = line.split("\t")
            user = auth_services.user_by_email(email)
            role = user.role.value if user is not None else "removed"
            click.echo(f"  {role:<8} {email}  {password}")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def backup_command(path: str) -> None:
    """Write a consistent copy of the database to PATH (safe while the app is running)."""
    url = current_app.config["SQLALCHEMY_DATABASE_URI"]
    try:
        written = backup_database(url, path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    if make_url_is_sqlite(url):
        ok, counts = integrity_report(f"sqlite:///{written}")
        if not ok:
            raise click.ClickException(f"The copy at {written} failed its integrity check.")
        click.echo(f"Backup written to {written} ({sum(counts.values())} rows, integrity check ok).")
    else:
        click.echo(f"Backup written to {written} (pg_dump custom format; restore with pg_restore).")


def make_url_is_sqlite(url: str) -> bool:
    return url.startswith("sqlite")


@click.command("anonymise")
@click.option("--months", type=click.IntRange(min=1), default=None,
              help="Retention period in months (default: the admin setting).")
def anonymise_command(months: int | None) -> None:
    """Anonymise participants not seen for longer than the retention period; counts stay intact."""
    period = months or retention.retention_months()
    if period <= 0:
        raise click.ClickException("No retention period is set (admin settings, or --months).")
    count = retention.apply_retention(months=period)
    db.session.commit()
    click.echo(f"Anonymised {count} participant(s) not seen for more than {period} months.")


@click.command("export-outside")
@click.argument("year", type=click.IntRange(2000, 2100))
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@click.option("--lang", type=click.Choice(["en", "km"]), default="en", show_default=True)
@click.option("--threshold", type=click.IntRange(min=0), default=None,
              help="Hide counts below this number (default: the admin setting).")
def export_outside_command(year: int, path: str, lang: str, threshold: int | None) -> None:
    """Write the year's workbook for outside readers to PATH: aggregate tables, small counts hidden."""
    threshold = outside_readers.small_cell_threshold() if threshold is None else threshold
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    with partial.open("wb") as output:
        outside_readers.write_outside_readers_workbook(ReportFilters(Period(year)), output, lang, threshold)
    partial.replace(target)
    auth_services.log_action(None, "report.export", None, export="outside_readers_workbook", year=year,
                             language=lang, threshold=threshold, via="shell")
    db.session.commit()
    click.echo(f"Wrote the {year} workbook for outside readers to {target} (counts below {threshold} hidden).")


@click.command("export-year")
@click.argument("year", type=click.IntRange(2000, 2100))
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--lang", type=click.Choice(["en", "km"]), default="en", show_default=True,
              help="Language of the sheet titles, headers and sentences.")
@click.option("--fiscal", is_flag=True, help="The fiscal year starting in YEAR (start month set by an admin).")
def export_year_command(year: int, path: Path, lang: str, fiscal: bool) -> None:
    """Write the yearly metrics workbook (all events, with the Participants sheet) to PATH."""
    filters = ReportFilters(period=report_period.make_period(year, fiscal))
    temporary = path.with_name(path.name + ".part")
    with temporary.open("wb") as output:
        exports.write_yearly_workbook(filters, output, lang, include_participants=True)
    temporary.replace(path)
    auth_services.log_action(None, "report.export", None, export="workbook", year=year,
                             fiscal_start_month=filters.period.start_month, language=lang, participants=True,
                             via="shell")
    db.session.commit()
    click.echo(f"Wrote the {year} workbook to {path}.")


COMMANDS = (create_user_command, seed_demo_command, setup_command, addresses_command, backup_command,
            anonymise_command, export_outside_command, export_year_command, export_event_command,
            import_event_command)


def init_app(app: Flask) -> None:
    for command in COMMANDS:
        app.cli.add_command(command)
