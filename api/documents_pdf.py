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
