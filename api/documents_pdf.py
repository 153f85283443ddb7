"""Printable documents of an approved retirement: the retirement certificate (退休证明) and the pension figure
(养老金计发标准), as PDF with reportlab's built-in Chinese CID font (STSong-Light: no font file to ship)."""
from __future__ import annotations

from io import BytesIO

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

CJK = "STSong-Light"
LATIN = "Helvetica"
pdfmetrics.registerFont(UnicodeCIDFont(CJK))

RETIREMENT_TYPES = {"normal": "正常退休", "special_work": "特殊工种提前退休", "illness": "因病或非因工致残提前退休",
                    "resignation": "退职"}


def _draw(title: str, rows: list[tuple[str, str]], footer: list[str]) -> bytes:
    buf = BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, invariant=1, pageCompression=0)
    pdf.setTitle(title)
    width, height = A4
    pdf.setFont(CJK, 22)
    pdf.drawCentredString(width / 2, height - 90, title)
    y = height - 150
    for label, value in rows:
        pdf.setFont(CJK, 12)
        pdf.drawString(80, y, label)
        text = "" if value is None else str(value)
        # numbers and codes in a Latin font (they stay searchable in the PDF); Chinese text in the CID font
        pdf.setFont(LATIN if text.isascii() else CJK, 12)
        pdf.drawString(230, y, text)
        y -= 26
    pdf.setFont(CJK, 10)
    y -= 20
    for line in footer:
        pdf.drawString(80, y, line)
        y -= 18
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def certificate_pdf(case: dict) -> bytes:
    approval = case.get("approval") or {}
    return _draw("退休证明", [
        ("姓名", case.get("name")),
        ("公民身份号码", case.get("id_number")),
        ("退休类型", RETIREMENT_TYPES.get(approval.get("retirement_type") or case.get("retirement_type"), "正常退休")),
        ("退休时间", approval.get("retirement_date") or case.get("retirement_date")),
        ("审批编号", approval.get("approval_no")),
        ("审批日期", approval.get("approved_on")),
        ("业务编号", case.get("business_key")),
    ], [f"经{case.get('locality_name', '')}人力资源社会保障部门审批，准予退休。",
        "本证明由退休“一件事”系统生成，可凭审批编号向人力资源社会保障部门核验。"])


def pension_pdf(case: dict) -> bytes:
    pension, award = case.get("pension") or {}, case.get("pension_award") or {}
    return _draw("基本养老金计发标准", [
        ("姓名", case.get("name")),
        ("公民身份号码", case.get("id_number")),
        ("退休时间", case.get("retirement_date")),
        ("基础养老金（元/月）", pension.get("basic")),
        ("个人账户养老金（元/月）", pension.get("account")),
        ("过渡性养老金（元/月）", pension.get("transitional")),
        ("基本养老金合计（元/月）", award.get("monthly_total") or pension.get("monthly_total")),
        ("计发月数", pension.get("divisor")),
        ("缴费年限（年）", pension.get("years")),
        ("平均缴费指数", pension.get("average_index")),
        ("首次发放月份", award.get("first_payment_month")),
        ("核定编号", award.get("award_no")),
    ], ["计发标准由参保地社会保险经办机构核定；如有疑问请持本页到社会保险经办机构咨询。"])


def _wrap(pdf, text: str, font: str, size: int, width: float) -> list[str]:
    """Lines of ``text`` that fit ``width`` (character by character: Chinese has no spaces to break at)."""
    lines, line = [], ""
    for ch in text:
        if pdf.stringWidth(line + ch, font, size) > width:
            lines.append(line)
            line = ch
        else:
            line += ch
    return lines + ([line] if line else [])


def application_form_pdf(title: str, rows: list[tuple[str, str]], items: list[tuple[str, bool]],
                         pledge: str, acceptance: list[tuple[str, str]]) -> bytes:
    """The filled application form (申请表) on one A4 page: the form's fields in a ruled table, the joint items
    ticked, the applicant's pledge with a signature line, and the acceptance block of the office that took it."""
    buf = BytesIO()
    pdf = canvas.Canvas(buf, pagesize=A4, invariant=1, pageCompression=0)
    pdf.setTitle(title)
    width, height = A4
    left, right, label_w = 50, width - 50, 170
    pdf.setFont(CJK, 15)
    for i, line in enumerate(_wrap(pdf, title, CJK, 15, right - left)):
        pdf.drawCentredString(width / 2, height - 60 - i * 20, line)
    y = height - 110
    size = 10.5

    def row(label: str, value: str, min_h: float = 22) -> None:
        nonlocal y
        text = "" if value is None else str(value)
        lines = _wrap(pdf, text, CJK, size, right - left - label_w - 12) or [""]
        label_lines = _wrap(pdf, label, CJK, size, label_w - 10)
        h = max(min_h, 14 * max(len(lines), len(label_lines)) + 8)
        pdf.rect(left, y - h, label_w, h)
        pdf.rect(left + label_w, y - h, right - left - label_w, h)
        pdf.setFont(CJK, size)
        for i, part in enumerate(label_lines):
            pdf.drawString(left + 5, y - 15 - i * 14, part)
        for i, part in enumerate(lines):
            pdf.setFont(LATIN if part.isascii() else CJK, size)
            pdf.drawString(left + label_w + 6, y - 15 - i * 14, part)
        y -= h

    for label, value in rows:
        row(label, value)
    row("申请办理的联办事项", "　".join(f"{'☑' if chosen else '☐'}{name}" for name, chosen in items)
        .replace("☑", "[√]").replace("☐", "[ ]"))
    row("本人承诺", pledge + "　申请人签字：____________　　年　月　日", 48)
    for label, value in acceptance:
        row(label, value)
    pdf.setFont(CJK, 9)
    pdf.drawString(left, y - 20, "本表由退休“一件事”系统按受理时填报的内容生成。")
    pdf.showPage()
    pdf.save()
    return buf.getvalue()
