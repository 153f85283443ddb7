"""The monthly 信息采集表 as a printable PDF: A4 landscape, a table with its header row repeated on every page, the
office and month above it and a signature line below (reportlab platypus, the built-in CID font STSong-Light)."""
from __future__ import annotations

from io import BytesIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .documents_pdf import CJK

# the columns printed (the XLSX has them all): a paper form has no room for the business key
PRINTED = ("seq", "name", "id_number", "birth_date", "retirement_date", "channel_name", "items",
           "application_form_received", "personnel_file_received", "file_pages", "phone", "accepted_on")
WIDTHS = (9, 18, 36, 20, 22, 28, 58, 14, 18, 14, 24, 20)

_TITLE = ParagraphStyle("title", fontName=CJK, fontSize=15, leading=20, alignment=1)
_LINE = ParagraphStyle("line", fontName=CJK, fontSize=9, leading=12)
LATIN_COLUMNS = ("seq", "id_number", "birth_date", "retirement_date", "file_pages", "phone", "accepted_on")


# header labels broken where a printed column is narrow
HEADS = {"retirement_date": "法定退休\n时间", "personnel_file_received": "人事档案\n等材料", "file_pages": "档案\n页数",
         "channel_name": "申报渠道", "accepted_on": "受理日期"}


def _text(key, value) -> str:
    """Plain strings, not Paragraphs (a 1,000-row form is 12,000 cells): the joint items one per line."""
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "\n".join(str(v) for v in value)
    return str(value)


def collection_pdf(head: dict, spec, rows: list[dict]) -> bytes:
    labels = dict(spec)
    buf = BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=landscape(A4), leftMargin=10 * mm, rightMargin=10 * mm,
                            topMargin=12 * mm, bottomMargin=12 * mm, title=head["title"], invariant=1,
                            pageCompression=0)
    table = [[HEADS.get(k, labels[k]) for k in PRINTED]]
    for r in rows:
        table.append([_text(k, r.get(k)) for k in PRINTED])
    style = [("FONT", (0, 0), (-1, -1), CJK, 7.5), ("LEADING", (0, 0), (-1, -1), 9),
             ("GRID", (0, 0), (-1, -1), 0.4, colors.black), ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
             ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
    # numbers and codes (ID numbers, dates, phones) in a Latin font: they stay searchable in the file
    style += [("FONT", (PRINTED.index(k), 1), (PRINTED.index(k), -1), "Helvetica", 7.5) for k in LATIN_COLUMNS]
    grid = Table(table, colWidths=[w * mm for w in WIDTHS], repeatRows=1)
    grid.setStyle(TableStyle(style))
    story = [Paragraph(head["title"], _TITLE), Spacer(1, 4 * mm),
             Paragraph(f"受理机构：{head['office']}　　地区：{head['locality_name']}　　受理月份：{head['month']}"
                       f"　　人数：{len(rows)}", _LINE), Spacer(1, 3 * mm), grid, Spacer(1, 8 * mm),
             Paragraph("填表人：__________　　审核人：__________　　报送日期：______年____月____日", _LINE)]
    doc.build(story)
    return buf.getvalue()
