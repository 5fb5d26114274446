"""Shell commands for operators: ``backup PATH``, ``anonymise``, ``export-outside YEAR PATH``
(each as ``flask --app wsgi <command>``)."""

import click
from flask import current_app
from flask.cli import with_appcontext

from . import privacy
from .backup import BackupError, backup_database, integrity_report
from .extensions import db


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@with_appcontext
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
@with_appcontext
def anonymise_command(months: int | None) -> None:
    """Anonymise participants not seen for longer than the retention period; counts stay intact."""
    period = months or privacy.retention_months()
    if period <= 0:
        raise click.ClickException("No retention period is set (admin settings, or --months).")
    count = privacy.apply_retention(months=period)
    db.session.commit()
    click.echo(f"Anonymised {count} participant(s) not seen for more than {period} months.")


@click.command("export-outside")
@click.argument("year", type=click.IntRange(2000, 2100))
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
@click.option("--lang", type=click.Choice(["en", "km"]), default="en", show_default=True)
@click.option("--threshold", type=click.IntRange(min=0), default=None,
              help="Hide counts below this number (default: the admin setting).")
@with_appcontext
def export_outside_command(year: int, path: str, lang: str, threshold: int | None) -> None:
    """Write the year's workbook for outside readers to PATH: aggregate tables, small counts hidden."""
    from pathlib import Path

    from .auth.services import log_action
    from .reports.period import Period, ReportFilters

    threshold = privacy.small_cell_threshold() if threshold is None else threshold
    target = Path(path)
    partial = target.with_name(target.name + ".partial")
    with partial.open("wb") as output:
        privacy.write_outside_readers_workbook(ReportFilters(Period(year)), output, lang, threshold)
    partial.replace(target)
    log_action(None, "report.export", None, export="outside_readers_workbook", year=year, language=lang,
               threshold=threshold, via="shell")
    db.session.commit()
    click.echo(f"Wrote the {year} workbook for outside readers to {target} (counts below {threshold} hidden).")


COMMANDS = (backup_command, anonymise_command, export_outside_command)
