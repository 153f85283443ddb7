"""XLSX workbooks of the lists the offices exchange, written with openpyxl in write-only mode (rows stream to
the file, so a 1,000-person 采集表 stays small in memory); one header row, a title row above it, text cells for
ID numbers and phones (a spreadsheet must not turn 340722196602090031 into 3.4E+17)."""
from __future__ import annotations

from datetime import date, datetime
from io import BytesIO

from flask import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# the OpenAPI schema of a file response (XLSX, PDF): documented with its content type, returned as a Response
BINARY = {"type": "string", "format": "binary"}
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)


def _plain(value):
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    if isinstance(value, bool):
        return "是" if value else "否"
    return value


def workbook(sheets: list[tuple[str, str, list[str], list[list]]]) -> bytes:
    """``sheets``: (sheet name, title line, column headers, rows). Text stays text; numbers stay numbers."""
    wb = Workbook(write_only=True)
    for name, title, header, rows in sheets:
        ws = wb.create_sheet(title=name[:31])
        ws.column_dimensions["A"].width = 14
        for i in range(len(header)):
            ws.column_dimensions[chr(ord("A") + i) if i < 26 else "A" + chr(ord("A") + i - 26)].width = 18
        cell = WriteOnlyCell(ws, value=title)
        cell.font = _TITLE
        ws.append([cell])
        head = []
        for h in header:
            c = WriteOnlyCell(ws, value=h)
            c.font, c.alignment = _BOLD, Alignment(horizontal="center")
            head.append(c)
        ws.append(head)
        for row in rows:
            ws.append([_plain(v) for v in row])
    buf = BytesIO()
    wb.save(buf)
    return buf.getvalue()


def download(content: bytes, filename: str, mimetype: str = XLSX) -> Response:
    """The file as an attachment; the Chinese file name per RFC 6266 (filename*), an ASCII fallback beside it."""
    from urllib.parse import quote

    ascii_name = filename.encode("ascii", "ignore").decode() or "download"
    disposition = "attachment" if mimetype == XLSX else "inline"
    return Response(content, mimetype=mimetype, headers={
        "Content-Disposition": f"{disposition}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}",
        "Cache-Control": "no-store"})
