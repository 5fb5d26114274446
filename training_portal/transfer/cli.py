"""Shell commands: ``flask export-event ID FILE`` and ``flask import-event FILE``."""

from pathlib import Path

import click

from ..auth.services import log_action
from ..events.models import Event
from ..extensions import db
from .importing import import_package
from .package import PackageError, package_bytes, read_package


@click.command("export-event")
@click.argument("event_id", type=int)
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def export_event_command(event_id: int, path: Path) -> None:
    """Write the event's package to PATH (gzip-compressed when PATH ends in .gz)."""
    event = db.session.get(Event, event_id)
    if event is None:
        raise click.ClickException(f"There is no event {event_id}.")
    path.write_bytes(package_bytes(event, compress=path.suffix == ".gz"))
    log_action(None, "event.package", event, via="shell")
    db.session.commit()
    click.echo(f"Wrote the package of event {event_id} ({event.title}) to {path}.")


@click.command("import-event")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_event_command(path: Path) -> None:
    """Import an event package; refused, writing nothing, while it has conflicts to review."""
    try:
        result = import_package(read_package(path.read_bytes()), None)
    except PackageError as error:
        raise click.ClickException(f"{path} is not a valid event package ({error}).") from error
    if not result.applied:
        lines = [f"  {conflict.incoming['name'] or '(no name)'} {conflict.incoming['phone'] or ''}: the same "
                 f"{'card code' if conflict.reason == 'card' else 'phone number'} as participant(s) "
                 + ", ".join(f"{person.id} {person.name or '(no name)'}" for person in conflict.candidates)
                 for conflict in result.conflicts]
        raise click.ClickException("Nothing imported: these participants need a review on the import page "
                                   "(Events, Import an event):\n" + "\n".join(lines))
    db.session.commit()
    added = ", ".join(f"{count} {kind}" for kind, count in sorted(result.created.items()) if count) or "nothing new"
    click.echo(f"Imported event {result.event.id} ({result.event.title}): {added}.")
