"""A streaming xlsx writer for large tables (the attendance download): bytes come out as rows go in.

The workbook is written by hand as the few XML parts a spreadsheet needs, into
a zip stream that never seeks (zipfile writes data descriptors after each
part), so that the first bytes can be sent at once and memory does not grow
with the number of rows. It keeps what the openpyxl sheets have: a bold,
frozen header row, column widths, number and date formats.

Cell safety (README.md, "Rules every export follows"): every text is an inline string cell
(``t="inlineStr"``), which a spreadsheet never evaluates, so a text starting
with = + - @ or a tab stays text exactly as typed; control characters that
xlsx forbids are removed; carriage returns are kept as character references.
"""

import zipfile
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from xml.sax.saxutils import escape

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

from ..spreadsheets import clean_text

ROWS_PER_CHUNK = 500
COMPRESS_LEVEL = 4  # deflate: a little larger than level 6, about twice as fast
EXCEL_EPOCH = date(1899, 12, 30).toordinal()
XML_ESCAPES = {"\r": "&#13;"}

# Styles (cellXfs indexes): 0 plain, 1 bold, then each number format plain and bold.
NUMBER_FORMAT_IDS = {"int": (3, "#,##0"), "percent": (164, "0.0"), "ratio": (165, "0.00"),
                     "date": (166, "yyyy-mm-dd"), "month": (167, "yyyy-mm")}
STYLE_OF_KIND = {kind: 2 + 2 * index for index, kind in enumerate(NUMBER_FORMAT_IDS)}
BOLD_STYLE = 1

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '</Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/></Relationships>'
)


def _workbook_xml(title: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{escape(title, {chr(34): "&quot;"})}" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )


def _styles_xml() -> str:
    custom = "".join(f'<numFmt numFmtId="{number}" formatCode="{code}"/>'
                     for number, code in NUMBER_FORMAT_IDS.values() if number >= 164)
    formats = ['<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>',
               '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>']
    for number, _code in NUMBER_FORMAT_IDS.values():
        formats.append(f'<xf numFmtId="{number}" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>')
        formats.append(f'<xf numFmtId="{number}" fontId="1" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" '
                       'applyFont="1"/>')
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<numFmts count="{custom.count("<numFmt ")}">{custom}</numFmts>'
        '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
        '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill>'
        '<fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        f'<cellXfs count="{len(formats)}">{"".join(formats)}</cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        '</styleSheet>'
    )


def _sheet_head(widths: list[float]) -> str:
    columns = "".join(f'<col min="{index}" max="{index}" width="{width}" customWidth="1"/>'
                      for index, width in enumerate(widths, 1))
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheetViews><sheetView workbookViewId="0">'
        '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
        '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/></sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15"/>'
        f'<cols>{columns}</cols><sheetData>'
    )


SHEET_TAIL = "</sheetData></worksheet>"


def _text_cell(reference: str, text: str, style: int) -> str:
    text = escape(clean_text(text), XML_ESCAPES)
    styled = f' s="{style}"' if style else ""
    return f'<c r="{reference}"{styled} t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'


def _cell(reference: str, value, kind: str, bold: bool) -> str:
    """One cell's XML: text as an inline string (never a formula), numbers and dates with their format."""
    if value is None:
        return ""
    if isinstance(value, str):
        return _text_cell(reference, value, BOLD_STYLE if bold else 0)
    if isinstance(value, bool):
        value = int(value)
    if isinstance(value, datetime):
        number = value.toordinal() - EXCEL_EPOCH + (value.hour * 3600 + value.minute * 60 + value.second) / 86400
        kind = kind if kind in ("date", "month") else "date"
    elif isinstance(value, date):
        number = value.toordinal() - EXCEL_EPOCH
        kind = kind if kind in ("date", "month") else "date"
    else:
        number = value
    style = STYLE_OF_KIND.get(kind, 0)
    if bold:
        style = style + 1 if style else BOLD_STYLE
    styled = f' s="{style}"' if style else ""
    return f'<c r="{reference}"{styled}><v>{number!r}</v></c>' if isinstance(number, float) else \
        f'<c r="{reference}"{styled}><v>{number}</v></c>'


class _Sink:
    """A write-only, non-seekable byte stream: zipfile writes into it, the generator drains it."""

    def __init__(self):
        self.chunks: list[bytes] = []

    def write(self, data) -> int:
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.chunks)
        self.chunks.clear()
        return data


def _row_writers(kinds: list[str]):
    """Per column, a function (row number, value) -> cell XML, specialised by the column's kind."""
    writers = []
    for index, kind in enumerate(kinds, 1):
        letter = get_column_letter(index)
        if kind == "text":
            def write(number, value, letter=letter, kind=kind):
                if value.__class__ is str:
                    text = value
                    if ILLEGAL_CHARACTERS_RE.search(text):
                        text = clean_text(text)
                    if "&" in text or "<" in text or ">" in text or "\r" in text:
                        text = escape(text, XML_ESCAPES)
                    return f'<c r="{letter}{number}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
                return _cell(f"{letter}{number}", value, kind, False)
        elif kind == "int":
            def write(number, value, letter=letter, kind=kind):
                if value.__class__ is int:
                    return f'<c r="{letter}{number}" s="{STYLE_OF_KIND["int"]}"><v>{value}</v></c>'
                return _cell(f"{letter}{number}", value, kind, False)
        else:
            def write(number, value, letter=letter, kind=kind):
                return _cell(f"{letter}{number}", value, kind, False)
        writers.append(write)
    return writers


def stream_xlsx(title: str, headers: list[str], kinds: list[str], widths: list[float], rows: Iterable[list],
                total: list | None = None) -> Iterator[bytes]:
    """An xlsx workbook with one sheet, as a stream of bytes.

    ``kinds`` are the columns' kinds (text, int, percent, ratio, date, month),
    ``widths`` their widths; the header row is bold and frozen, a ``total``
    row is bold. Bytes are yielded every few hundred rows.
    """
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", _workbook_xml(title))
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/styles.xml", _styles_xml())
        yield sink.take()  # the download starts before the first row is read
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            header_cells = "".join(_text_cell(f"{get_column_letter(index)}1", header, BOLD_STYLE)
                                   for index, header in enumerate(headers, 1))
            sheet.write((_sheet_head(widths) + f'<row r="1">{header_cells}</row>').encode())
            writers = _row_writers(kinds)
            parts = []
            number = 1
            for row in rows:
                number += 1
                parts.append(f'<row r="{number}">')
                parts.extend([write(number, value) for write, value in zip(writers, row) if value is not None])
                parts.append("</row>")
                if number % ROWS_PER_CHUNK == 0:
                    sheet.write("".join(parts).encode())
                    parts.clear()
                    if sink.chunks:
                        yield sink.take()
            if total is not None:
                number += 1
                cells = "".join(_cell(f"{get_column_letter(index)}{number}", value, kind, True)
                                for index, (value, kind) in enumerate(zip(total, kinds), 1))
                parts.append(f'<row r="{number}">{cells}</row>')
            parts.append(SHEET_TAIL)
            sheet.write("".join(parts).encode())
    yield sink.take()
