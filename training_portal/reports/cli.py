"""``flask --app wsgi export-year YEAR PATH [--lang km]``: the yearly workbook from the shell."""

from pathlib import Path

import click

from ..auth.services import log_action
from ..extensions import db
from . import exports
from .period import ReportFilters, make_period


@click.command("export-year")
@click.argument("year", type=click.IntRange(2000, 2100))
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@click.option("--lang", type=click.Choice(["en", "km"]), default="en", show_default=True,
              help="Language of the sheet titles, headers and sentences.")
@click.option("--fiscal", is_flag=True, help="The fiscal year starting in YEAR (start month set by an admin).")
def export_year_command(year: int, path: Path, lang: str, fiscal: bool) -> None:
    """Write the yearly metrics workbook (all events, with the Participants sheet) to PATH."""
    filters = ReportFilters(period=make_period(year, fiscal))
    temporary = path.with_name(path.name + ".part")
    with temporary.open("wb") as output:
        exports.write_yearly_workbook(filters, output, lang, include_participants=True)
    temporary.replace(path)
    log_action(None, "report.export", None, export="workbook", year=year, fiscal_start_month=filters.period.start_month,
               language=lang, participants=True, via="shell")
    db.session.commit()
    click.echo(f"Wrote the {year} workbook to {path}.")
