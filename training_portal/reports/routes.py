import tempfile

from flask import abort, render_template, request
from flask_babel import force_locale
from flask_login import current_user

from ..auth.services import log_action, staff_required
from ..downloads import send_download
from ..extensions import db
from ..spreadsheets import CSV_MIMETYPE, XLSX_MIMETYPE, csv_bytes, xlsx_chunks
from . import bp, exports
from .forms import ExportForm, ReportFilterForm
from .labels import SHEETS, label
from .period import ReportFilters, period_label
from .tables import CSV_TABLES, attendance_table, build_report, build_table, chart_data


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


def send_table(make_table, file_format: str, language: str, name: str):
    """Stream a table as csv or xlsx while the database cursor produces its rows.

    The table (its headers and reference names) is made here, in the export's
    language; its rows are read while the download streams.
    """
    with force_locale(language):
        table = make_table()
    if file_format == "csv":
        return send_download(csv_bytes(table), name, CSV_MIMETYPE, language)
    return send_download(xlsx_chunks(table), name, XLSX_MIMETYPE, language)


@bp.get("/reports")
@staff_required
def dashboard():
    form, filters = chosen_filters()
    if filters is None:
        return render_template("reports/dashboard.html", form=form, report=None), 400
    report = build_report(filters)
    return render_template("reports/dashboard.html", form=form, report=report, export_form=ExportForm(),
                           chart_data=chart_data(report),
                           csv_tables=[(key, label(SHEETS[key])) for key in visible_csv_tables()],
                           period_label=period_label(filters.period))


def visible_csv_tables() -> list[str]:
    tables = list(CSV_TABLES)
    return tables if current_user.sees_all_events else [key for key in tables if key != "participants"]


@bp.post("/reports/workbook")
@staff_required
def workbook():
    filters, language = export_request()
    include_participants = current_user.sees_all_events
    log_export("workbook", filters, language=language, participants=include_participants)
    output = tempfile.TemporaryFile()  # on disk, not in memory
    exports.write_yearly_workbook(filters, output, language, include_participants)
    output.seek(0)
    return send_download(output, download_name("training-report", filters, "xlsx"), XLSX_MIMETYPE)


@bp.post("/reports/tables/<key>.csv")
@staff_required
def table_csv(key: str):
    if key not in CSV_TABLES:
        abort(404)
    if key not in visible_csv_tables():
        abort(403)
    filters, language = export_request()
    log_export(f"csv:{key}", filters, language=language)
    return send_table(lambda: build_table(key, filters), "csv", language,
                      download_name(key.replace("_", "-"), filters, "csv"))


@bp.post("/reports/attendance.<file_format>")
@staff_required
def attendance_download(file_format: str):
    if file_format not in ("xlsx", "csv"):
        abort(404)
    filters, language = export_request()
    log_export(f"attendance:{file_format}", filters, language=language)
    return send_table(lambda: attendance_table(filters), file_format, language,
                      download_name("attendance", filters, file_format))
