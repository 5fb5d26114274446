import tempfile

from flask import Response, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from ..auth.services import admin_required, log_action, staff_required
from ..database import reading_only
from ..extensions import db
from . import bp, exports, services
from .forms import ExportForm, ReportFilterForm
from .metrics import ReportFilters

NO_STORE = {"Cache-Control": "no-store"}


def chosen_filters() -> tuple[ReportFilterForm, ReportFilters | None]:
    """The period and filters from the query string (None when invalid), narrowed for a trainer."""
    form = ReportFilterForm(request.args, user=current_user)
    return form, form.filters() if form.validate() else None


def export_request() -> tuple[ReportFilters, str]:
    """Filters and language of an export POST; 400 on a bad filter or a missing CSRF token."""
    _form, filters = chosen_filters()
    export = ExportForm()
    if filters is None or not export.validate_on_submit():
        abort(400)
    return filters, export.language.data


def log_export(kind: str, filters: ReportFilters, **details) -> None:
    """Audit the export and commit, before the file is sent."""
    log_action(current_user, "report.export", None, export=kind, year=filters.period.year,
               fiscal_start_month=filters.period.start_month, province_id=filters.province_id,
               event_type_id=filters.event_type_id, target_group_id=filters.target_group_id,
               trainer_id=filters.trainer_id, **details)
    db.session.commit()


def download_name(stem: str, filters: ReportFilters, extension: str) -> str:
    period = filters.period
    suffix = f"fy{period.year}-{period.year + 1}" if period.is_fiscal else str(period.year)
    return f"{stem}-{suffix}.{extension}"


def send_temporary_file(write, name: str, mimetype: str):
    """Write the file to disk (not memory) with ``write(output)`` and stream it as an attachment."""
    output = tempfile.TemporaryFile()
    write(output)
    output.seek(0)
    response = send_file(output, mimetype=mimetype, as_attachment=True, download_name=name)
    response.headers.update(NO_STORE)
    return response


def send_stream(first: bytes | str, produce, language: str, name: str, mimetype: str):
    """Stream a download as it is produced from the database cursor.

    ``produce()`` yields the rest of the file; it runs after the view has
    returned, in an application context of its own (the request's is gone by
    then), in the export's language, and only reads (on SQLite it does not
    hold the write lock while a slow phone fetches the file).
    """
    app = current_app._get_current_object()

    def chunks():
        # The first bytes go out before any context is entered: a server (or
        # test client) may read the first chunk elsewhere than the rest.
        yield first
        with app.app_context(), force_locale(language), reading_only():
            yield from produce()

    response = Response(chunks(), mimetype=mimetype, headers=NO_STORE)
    response.headers.set("Content-Disposition", "attachment", filename=name)
    return response


def send_csv(make_table, language: str, name: str):
    """Stream csv text (UTF-8 with a byte-order mark) as the database cursor produces it."""
    return send_stream(exports.BOM, lambda: exports.table_csv(make_table(), bom=False), language, name,
                       "text/csv; charset=utf-8")


def send_xlsx(make_table, language: str, name: str):
    """Stream a one-sheet workbook: the zip's first parts go out before the first row is read.

    The table (its headers and reference names) is made here, in the
    request; its rows are read while the download streams.
    """
    with force_locale(language):
        stream = exports.table_xlsx(make_table())
        first = next(stream)
    return send_stream(first, lambda: stream, language, name, exports.XLSX_MIME)


@bp.get("/reports")
@staff_required
def dashboard():
    form, filters = chosen_filters()
    if filters is None:
        return render_template("reports/dashboard.html", form=form, report=None), 400
    report = services.build_report(filters)
    return render_template("reports/dashboard.html", form=form, report=report, export_form=ExportForm(),
                           chart_data=services.chart_data(report), csv_tables=[(key, services.label(services.SHEETS[key])) for key in visible_csv_tables()],
                           period_label=services.period_label(filters.period))


def visible_csv_tables() -> list[str]:
    tables = list(services.CSV_TABLES)
    return tables if current_user.sees_all_events else [key for key in tables if key != "participants"]


@bp.post("/reports/workbook")
@staff_required
def workbook():
    filters, language = export_request()
    include_participants = current_user.sees_all_events
    log_export("workbook", filters, language=language, participants=include_participants)
    return send_temporary_file(
        lambda output: exports.write_yearly_workbook(filters, output, language, include_participants),
        download_name("training-report", filters, "xlsx"), exports.XLSX_MIME)


@bp.post("/reports/tables/<key>.csv")
@staff_required
def table_csv(key: str):
    if key not in services.CSV_TABLES:
        abort(404)
    if key not in visible_csv_tables():
        abort(403)
    filters, language = export_request()
    log_export(f"csv:{key}", filters, language=language)
    return send_csv(lambda: services.build_table(key, filters), language,
                    download_name(key.replace("_", "-"), filters, "csv"))


@bp.post("/reports/attendance.<file_format>")
@staff_required
def attendance_download(file_format: str):
    if file_format not in ("xlsx", "csv"):
        abort(404)
    filters, language = export_request()
    log_export(f"attendance:{file_format}", filters, language=language)
    name = download_name("attendance", filters, file_format)
    if file_format == "csv":
        return send_csv(lambda: services.attendance_table(filters), language, name)
    return send_xlsx(lambda: services.attendance_table(filters), language, name)
