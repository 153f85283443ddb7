"""Write the national decision tables (processes/000000/*.dmn) from the rules in docs/domain.md.

One-off bootstrap: the committed .dmn files are the source of truth and policy officers edit
them in dmn-js. Re-running this OVERWRITES them; only do that before anyone has edited a table.

    .venv/bin/python tools/build_national_dmn.py [--out processes/000000] [--only DECISION_ID ...]
"""
from __future__ import annotations

import argparse
from pathlib import Path

from lxml import etree

DMN = "https://www.omg.org/spec/DMN/20191111/MODEL/"
DMNDI = "https://www.omg.org/spec/DMN/20191111/DMNDI/"
DC = "http://www.omg.org/spec/DMN/20180521/DC/"
CATEGORIES = '"male","female_cadre","female_worker"'


def q(tag: str) -> str:
    return f"{{{DMN}}}{tag}"


def table(decision_id, name, label, description, hit_policy, inputs, outputs, rules):
    """inputs: (key, label, expression, typeRef, inputValues|None);
    outputs: (name, label, typeRef, outputValues|None); rules: (inputs, outputs, annotation)."""
    root = etree.Element(q("definitions"), nsmap={None: DMN, "dmndi": DMNDI, "dc": DC})
    root.set("id", f"{decision_id}_definitions")
    root.set("name", name)
    root.set("namespace", "https://retire-one-thing.example/dmn/000000")
    decision = etree.SubElement(root, q("decision"), id=decision_id, name=name, label=label)
    etree.SubElement(decision, q("description")).text = description
    dt = etree.SubElement(decision, q("decisionTable"), id=f"{decision_id}_table")
    if hit_policy != "UNIQUE":
        dt.set("hitPolicy", hit_policy)
    for key, in_label, expression, type_ref, values in inputs:
        el = etree.SubElement(dt, q("input"), id=f"input_{key}", label=in_label)
        ie = etree.SubElement(el, q("inputExpression"), id=f"input_{key}_expression", typeRef=type_ref)
        etree.SubElement(ie, q("text")).text = expression
        if values:
            iv = etree.SubElement(el, q("inputValues"), id=f"input_{key}_values")
            etree.SubElement(iv, q("text")).text = values
    for out_name, out_label, type_ref, values in outputs:
        el = etree.SubElement(dt, q("output"), id=f"output_{out_name}", label=out_label,
                              name=out_name, typeRef=type_ref)
        if values:
            ov = etree.SubElement(el, q("outputValues"), id=f"output_{out_name}_values")
            etree.SubElement(ov, q("text")).text = values
    for n, (ins, outs, note) in enumerate(rules, 1):
        rule_id = f"rule_{n:03d}"
        rule = etree.SubElement(dt, q("rule"), id=rule_id)
        if note:
            etree.SubElement(rule, q("description")).text = note
        assert len(ins) == len(inputs) and len(outs) == len(outputs), (decision_id, n)
        for (key, *_), text in zip(inputs, ins):
            entry = etree.SubElement(rule, q("inputEntry"), id=f"{rule_id}_{key}")
            etree.SubElement(entry, q("text")).text = text
        for (out_name, *_), text in zip(outputs, outs):
            entry = etree.SubElement(rule, q("outputEntry"), id=f"{rule_id}_{out_name}")
            etree.SubElement(entry, q("text")).text = text
    di = etree.SubElement(root, f"{{{DMNDI}}}DMNDI")
    diagram = etree.SubElement(di, f"{{{DMNDI}}}DMNDiagram", id=f"{decision_id}_diagram")
    shape = etree.SubElement(diagram, f"{{{DMNDI}}}DMNShape", id=f"{decision_id}_shape",
                             dmnElementRef=decision_id)
    etree.SubElement(shape, f"{{{DC}}}Bounds", height="80", width="180", x="160", y="100")
    return decision_id, etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def ym(index: int) -> str:
    y, m = divmod(index, 12)
    return f"{y:04d}-{m + 1:02d}"


def age_text(months: int) -> str:
    y, m = divmod(months, 12)
    return f"{y}岁" + (f"{m}个月" if m else "")


def statutory_retirement_age():
    cohorts = [  # category, 中文, original age (years), first affected birth month, step, max delay
        ("male", "男职工", 60, 1965 * 12, 4, 36),
        ("female_cadre", "原法定退休年龄55周岁的女职工", 55, 1970 * 12, 4, 36),
        ("female_worker", "原法定退休年龄50周岁的女职工", 50, 1975 * 12, 2, 60),
    ]
    rules = []
    for category, zh, age, start, step, cap in cohorts:
        base = age * 12
        rules.append(([f'"{category}"', f'< "{ym(start)}"'],
                      ["0", str(base), f"add_months(birth_month, {base})"],
                      f"{zh}：{ym(start)}前出生，不延迟，{age_text(base)}"))
        for delay in range(1, cap):
            first = start + (delay - 1) * step
            last = first + step - 1
            rules.append(([f'"{category}"', f'["{ym(first)}".."{ym(last)}"]'],
                          [str(delay), str(base + delay), f"add_months(birth_month, {base + delay})"],
                          f"{zh}：{ym(first)}至{ym(last)}出生，延迟{delay}个月，{age_text(base + delay)}"))
        full = start + (cap - 1) * step
        rules.append(([f'"{category}"', f'>= "{ym(full)}"'],
                      [str(cap), str(base + cap), f"add_months(birth_month, {base + cap})"],
                      f"{zh}：{ym(full)}及以后出生，延迟{cap}个月（封顶），{age_text(base + cap)}"))
    return table(
        "statutory_retirement_age", "Statutory retirement age", "改革后法定退休年龄",
        "《国务院关于渐进式延迟法定退休年龄的办法》第一条及附件对照表（domain.md §1.2）。"
        "男职工和原55周岁女职工每四个月延迟一个月，分别至63、58周岁；原50周岁女职工每二个月延迟一个月，至55周岁。"
        "每行一个出生年月段；退休时间 = 出生年月 + 法定退休年龄（月）。本表无[U]项。",
        "UNIQUE",
        [("category", "人员类型", "category", "string", CATEGORIES),
         ("birth_month", "出生年月 (YYYY-MM)", "birth_month", "string", "is_year_month(?)")],
        [("delay_months", "延迟月数", "integer", None),
         ("retirement_age_months", "改革后法定退休年龄（月）", "integer", None),
         ("retirement_month", "改革后退休时间 (YYYY-MM)", "string", None)],
        rules)


def minimum_contribution_months():
    rules = [(["<= 2029"], ["180"], "2029年及以前：15年")]
    for i, year in enumerate(range(2030, 2039), 1):
        months = 180 + 6 * i
        rules.append(([str(year)], [str(months)], f"{year}年：{age_text(months).replace('岁', '年')}"))
    rules.append(([">= 2039"], ["240"], "2039年及以后：20年"))
    return table(
        "minimum_contribution_months", "Minimum contribution months", "按月领取基本养老金最低缴费年限",
        "《办法》第二条：从2030年1月1日起，最低缴费年限由十五年逐步提高至二十年，每年提高六个月（domain.md §1.4）。"
        "输入为退休年份；含视同缴费年限。本表无[U]项；弹性退休按哪一年取值见 flexible_retirement_window。",
        "UNIQUE",
        [("retirement_year", "退休年份", "retirement_year", "integer", None)],
        [("months", "最低缴费月数", "integer", None)],
        rules)


def flexible_retirement_window():
    originals = [("male", "男职工", 720), ("female_cadre", "原55周岁女职工", 660), ("female_worker", "原50周岁女职工", 600)]
    rules = []
    for category, zh, original in originals:
        earliest = f"max({original}, retirement_age_months - 36)"
        outs = [earliest, f"add_months(birth_month, {earliest})", "retirement_age_months + 36",
                "add_months(birth_month, retirement_age_months + 36)"]
        basis = '"retirement_year"'
        rules.append(([f'"{category}"', "-", "-", ">= 0"], outs + ["true", basis],
                      f"{zh}：最早不低于原法定退休年龄{original // 12}周岁、不早于法定年龄前36个月；已达最低缴费年限，可弹性提前"))
        rules.append(([f'"{category}"', "-", "-", "< 0"], outs + ["false", basis],
                      f"{zh}：未达最低缴费年限，不能弹性提前退休"))
        rules.append(([f'"{category}"', "-", "-", "null"], outs + ["null", basis],
                      f"{zh}：未提供最低缴费月数，只给出弹性区间，不判断能否提前"))
    return table(
        "flexible_retirement_window", "Flexible retirement window", "弹性退休区间",
        "《办法》第三条、人社部发〔2024〕94号（domain.md §1.3）：弹性提前最长三年且不低于原法定退休年龄；"
        "弹性延迟最长三年（须单位与职工书面协商一致）。"
        "最早 = max(原法定退休年龄, 法定退休年龄 - 36个月)，最晚 = 法定退休年龄 + 36个月。"
        "[U] 弹性提前适用哪一年的最低缴费年限（实际退休当年）未核实：由输出 minimum_year_basis 给出，"
        "调用方按该年份查 minimum_contribution_months 后传入 minimum_months；minimum_months 为空时只给出区间。",
        "UNIQUE",
        [("category", "人员类型", "category", "string", CATEGORIES),
         ("birth_month", "出生年月 (YYYY-MM)", "birth_month", "string", "is_year_month(?)"),
         ("retirement_age_months", "法定退休年龄（月）", "retirement_age_months", "integer", None),
         ("contribution_margin", "缴费月数 - 适用的最低缴费月数", "contribution_months - minimum_months", "number", None)],
        [("earliest_age_months", "最早退休年龄（月）", "integer", None),
         ("earliest_month", "最早退休时间 (YYYY-MM)", "string", None),
         ("latest_age_months", "最晚退休年龄（月）", "integer", None),
         ("latest_month", "最晚退休时间 (YYYY-MM)", "string", None),
         ("early_allowed", "可弹性提前退休", "boolean", None),
         ("minimum_year_basis", "最低缴费年限取值年份 [U]", "string", '"retirement_year","statutory_age_year"')],
        rules)


def flexible_retirement_request():
    """One person's request for an early or deferred date, checked step by step (hit policy FIRST)."""
    early, deferred, both = '"early"', '"deferred"', '"early","deferred"'
    statutory_month = "statutory.retirement_month"
    requested = "requested_retirement_month"
    keep = [f"{statutory_month}", f"year({statutory_month})"]
    # columns: retirement_type, retirement_choice, offset, requested month, early_allowed, notice_months,
    #          employer_decision, agreement_lead_months
    rules = [
        (["-", '"statutory"', "-", "-", "-", "-", "-", "-"],
         ['"accepted"', *keep, '"按法定退休年龄退休"'], "未选择弹性退休：按法定退休时间办理"),
        (['not("normal")', both, "-", "-", "-", "-", "-", "-"],
         ['"rejected"', *keep, '"特殊工种、因病或非因工致残等提前退休不适用弹性退休，请选择按法定退休年龄或提前退休类型办理"'],
         "弹性退休只适用于达到法定退休年龄的正常退休"),
        (["-", both, "null", "-", "-", "-", "-", "-"],
         ['"rejected"', *keep, '"选择弹性退休须填写申请的退休时间（年月）"'], ""),
        (["-", early, ">= 0", "-", "-", "-", "-", "-"],
         ['"rejected"', *keep, f'"弹性提前退休的时间须早于法定退休时间" + {statutory_month}'], ""),
        (["-", deferred, "<= 0", "-", "-", "-", "-", "-"],
         ['"rejected"', *keep, f'"弹性延迟退休的时间须晚于法定退休时间" + {statutory_month}'], ""),
        (["-", early, "-", "< flex_window.earliest_month", "-", "-", "-", "-"],
         ['"rejected"', *keep,
          '"最早可于" + flex_window.earliest_month + "弹性提前退休（提前最长3年，且不低于原法定退休年龄）"'],
         "《办法》第三条：提前时间最长不超过三年，且不得低于原法定退休年龄"),
        (["-", deferred, "-", "> flex_window.latest_month", "-", "-", "-", "-"],
         ['"rejected"', *keep, '"最晚可于" + flex_window.latest_month + "弹性延迟退休（延迟最长3年）"'],
         "《办法》第三条：延迟时间最长不超过三年"),
        (["-", early, "-", "-", "false", "-", "-", "-"],
         ['"rejected"', *keep, '"累计缴费年限（含视同缴费年限）未达到最低缴费年限，不能弹性提前退休"'],
         "《办法》第三条：职工达到最低缴费年限，可以自愿选择弹性提前退休"),
        (["-", early, "-", "-", "-", "null", "-", "-"],
         ['"confirmation_needed"', *keep, '"待用人单位确认收到书面告知的日期"'],
         "区间与缴费条件已满足（或尚未核查缴费）：转用人单位确认书面告知"),
        (["-", deferred, "-", "-", "-", "-", "null", "-"],
         ['"confirmation_needed"', *keep, '"待用人单位确认书面协商一致"'],
         "区间已满足：转用人单位确认延迟退休书面协议"),
        (["-", early, "-", "-", "-", "< 3", "-", "-"],
         ['"rejected"', *keep, '"选择弹性提前退休须至少提前3个月以书面形式告知用人单位，告知日至申请的退休时间不足3个月"'],
         "人社部发〔2024〕94号：至少提前3个月书面告知所在单位 [S]"),
        (["-", deferred, "-", "-", "-", "-", '"disagree"', "-"],
         ['"rejected"', *keep, '"用人单位未同意弹性延迟退休，按法定退休时间办理"'],
         "《办法》第三条：所在单位与职工协商一致的，可以弹性延迟退休"),
        (["-", deferred, "-", "-", "-", "-", '"agree"', "null"],
         ['"rejected"', *keep, '"请填写与用人单位签订延迟退休书面协议的日期"'], ""),
        (["-", deferred, "-", "-", "-", "-", '"agree"', "< 1"],
         ['"rejected"', *keep, '"弹性延迟退休须在法定退休时间1个月以前与用人单位书面协商确定，协议日期晚于此限"'],
         "人社部发〔2024〕94号：提前1个月以上书面协商确定延迟退休时间 [S]"),
        (["-", early, "-", "-", "-", ">= 3", "-", "-"],
         ['"accepted"', requested, f"year({requested})", '"准予弹性提前退休，退休时间" + ' + requested],
         "[U] 弹性提前按实际退休当年的最低缴费年限（minimum_year = 退休年份）"),
        (["-", deferred, "-", "-", "-", "-", '"agree"', ">= 1"],
         ['"accepted"', requested, f"year({statutory_month})", '"准予弹性延迟退休，退休时间" + ' + requested],
         "[U] 弹性延迟按达到法定退休年龄当年的最低缴费年限（minimum_year = 法定退休年份）"),
    ]
    return table(
        "flexible_retirement_request", "Flexible retirement request", "弹性退休申请审核",
        "《办法》第三条、人社部发〔2024〕94号（domain.md §1.3）：审核一个人申请的弹性提前或弹性延迟退休时间。"
        "命中策略 FIRST：自上而下第一条命中的规则给出结论，因此先查区间和缴费条件，再查用人单位的书面告知或协议。"
        "输入 flex_window 为 flexible_retirement_window 的输出；notice_months 为书面告知送达单位之日至申请退休时间的整月数；"
        "agreement_lead_months 为书面协议日期至法定退休时间的整月数。用人单位尚未确认时 notice_date / employer_decision 为空，"
        "结论 confirmation_needed（受理时用本表预审：只要不是 rejected 即可受理）。"
        "[S] 3个月、1个月两个期限来自94号文的转载；[U] minimum_year（适用哪一年的最低缴费年限）未核实。",
        "FIRST",
        [("retirement_type", "退休类型", "retirement_type", "string", None),
         ("retirement_choice", "退休时间选择", "retirement_choice", "string", '"statutory","early","deferred"'),
         ("offset", "申请时间相对法定退休时间（月，负数为提前）",
          f"if {requested} = null then null else months_between({statutory_month}, {requested})", "number", None),
         ("requested_month", "申请的退休时间 (YYYY-MM)", requested, "string", None),
         ("early_allowed", "已达最低缴费年限（弹性区间表）", "flex_window.early_allowed", "boolean", None),
         ("notice_months", "书面告知至申请退休时间（整月）",
          f'if notice_date = null or {requested} = null then null '
          f'else age_months(date(notice_date), date({requested} + "-01"))', "number", None),
         ("employer_decision", "用人单位意见", "employer_decision", "string", '"agree","disagree",null'),
         ("agreement_lead_months", "书面协议至法定退休时间（整月）",
          f'if agreement_date = null then null else age_months(date(agreement_date), date({statutory_month} + "-01"))',
          "number", None)],
        [("outcome", "结论", "string", '"accepted","rejected","confirmation_needed"'),
         ("retirement_month", "退休时间 (YYYY-MM)", "string", None),
         ("minimum_year", "适用最低缴费年限的年份 [U]", "integer", None),
         ("reason", "说明", "string", None)],
        rules)


def early_retirement_route():
    since = '>= date("2025-01-01")'
    u = "[U] 2025年后年龄依据未核实"
    rules = []
    groups = [('"high_altitude","heavy_physical"', "高空、特别繁重体力劳动", 10),
              ('"underground","high_temperature"', "井下、高温", 9),
              ('"other_harmful"', "其他有害身体健康", 8)]
    for sex, zh_sex, age in (("male", "男", 55), ("female", "女", 45)):
        months = age * 12
        for types, zh, years in groups:
            req = [str(months), str(years), "false"]
            rules += [
                (['"special_work"', f'"{sex}"', types, f">= {months}", f">= {years}", "-", ">= 0", since],
                 ['"eligible"', *req, '"符合特殊工种提前退休条件"'],
                 f"{zh_sex}满{age}周岁，{zh}累计满{years}年，缴费满最低年限；{u}"),
                (['"special_work"', f'"{sex}"', types, f"< {months}", "-", "-", "-", since],
                 ['"not_eligible"', *req, f'"未满{age}周岁（特殊工种提前退休年龄）"'], u),
                (['"special_work"', f'"{sex}"', types, f">= {months}", f"< {years}", "-", "-", since],
                 ['"not_eligible"', *req, f'"{zh}累计年限不足{years}年"'], ""),
                (['"special_work"', f'"{sex}"', types, f">= {months}", f">= {years}", "-", "< 0", since],
                 ['"not_eligible"', *req, '"缴费年限不足（含视同缴费年限）"'], ""),
            ]
    rules.append((['"special_work"', "-", "null", "-", "-", "-", "-", since],
                  ['"not_eligible"', "null", "null", "false", '"档案中没有国家特殊工种名录内的工种记载"'],
                  "原始档案中无名录内特殊工种：不符合特殊工种提前退休条件"))
    for sex, zh_sex, age in (("male", "男", 50), ("female", "女", 45)):
        months = age * 12
        req = [str(months), "null", "true"]
        rules += [
            (['"illness_disability"', f'"{sex}"', "-", f">= {months}", "-", "true", ">= 0", since],
             ['"eligible"', *req, '"符合因病或非因工致残完全丧失劳动能力提前退休条件"'],
             f"{zh_sex}满{age}周岁，经劳动能力鉴定委员会鉴定完全丧失劳动能力，缴费满最低年限；{u}"),
            (['"illness_disability"', f'"{sex}"', "-", f">= {months}", "-", "true", "< 0", since],
             ['"not_eligible"', *req, '"缴费年限不足（含视同缴费年限）"'], ""),
            (['"illness_disability"', f'"{sex}"', "-", f"< {months}", "-", "true", "-", since],
             ['"manual_review"', *req, f'"未满{age}周岁但完全丧失劳动能力：按退职办理，转人工审核"'],
             "国发〔1978〕104号第五条；退职待遇各省不同（domain.md §2.3）"),
            (['"illness_disability"', f'"{sex}"', "-", "-", "-", "false", "-", since],
             ['"not_eligible"', *req, '"劳动能力鉴定结论不是完全丧失劳动能力"'], ""),
            (['"illness_disability"', f'"{sex}"', "-", "-", "-", "null", "-", since],
             ['"appraisal_needed"', *req, '"须先经劳动能力鉴定委员会鉴定"'], "鉴定结论未出：转劳动能力鉴定"),
        ]
    rules.append((['"resignation"', "-", "-", "-", "-", "-", "-", since],
                  ['"manual_review"', "null", "null", "true", '"退职：待遇按省级规定，转人工审核"'],
                  "退职（domain.md §2.3）：各省规定不同，一律人工审核"))
    return table(
        "early_retirement_route", "Early retirement route", "提前退休（退职）条件",
        "特殊工种（国发〔1978〕104号、劳社部发〔1999〕8号；男55、女45周岁；高空/特别繁重10年，井下/高温9年，其他有害8年）、"
        "因病或非因工致残完全丧失劳动能力（男50、女45周岁，须劳动能力鉴定）、退职转人工审核（domain.md §2）。"
        "[U] 2025年1月1日以后这些年龄的依据未核实：每行带“适用日期”列（生效日起），新规定出台时加行并收窄旧行。"
        "[U] 最低缴费年限是否适用2030年起的递增表未核实：调用方传入 minimum_months。"
        "不适用的输入传 null（如因病路线的 work_type、special_work_years）。",
        "UNIQUE",
        [("route", "提前退休类型", "route", "string", '"special_work","illness_disability","resignation"'),
         ("sex", "性别", "sex", "string", '"male","female"'),
         ("work_type", "特殊工种类别", "work_type", "string",
          '"high_altitude","heavy_physical","underground","high_temperature","other_harmful",null'),
         ("age_months", "申请退休时年龄（月）", "age_months", "integer", None),
         ("special_work_years", "特殊工种累计年限（年）", "special_work_years", "number", None),
         ("disability_confirmed", "鉴定为完全丧失劳动能力", "disability_confirmed", "boolean", None),
         ("contribution_margin", "缴费月数 - 最低缴费月数", "contribution_months - minimum_months", "number", None),
         ("as_of", "适用日期（规则生效日起）", "as_of", "date", None)],
        [("outcome", "结论", "string", '"eligible","not_eligible","manual_review","appraisal_needed"'),
         ("required_age_months", "规定年龄（月）", "integer", None),
         ("required_work_years", "规定特殊工种年限（年）", "integer", None),
         ("appraisal_required", "须劳动能力鉴定", "boolean", None),
         ("reason", "说明", "string", None)],
        rules)


def birth_date_source():
    return table(
        "birth_date_source", "Birth date source", "出生时间认定",
        "劳社部发〔1999〕8号：身份证与档案记载不一致时，以本人档案最先记载的出生时间为准（domain.md §2.4）。"
        "不一致时 mismatch = true，流程转公安户籍信息确认 / 人社核查任务。本表无[U]项。",
        "UNIQUE",
        [("file_earliest_birth_date", "档案最先记载的出生日期", "file_earliest_birth_date", "date", None),
         ("same_date", "档案与身份证一致", "file_earliest_birth_date = id_card_birth_date", "boolean", None),
         ("id_card_birth_date", "身份证出生日期", "id_card_birth_date", "date", "not(null)")],
        [("effective_birth_date", "认定的出生日期", "date", None),
         ("mismatch", "身份证与档案不一致", "boolean", None)],
        [(["null", "-", "-"], ["id_card_birth_date", "false"], "档案无出生时间记载：以身份证为准"),
         (["not(null)", "true", "-"], ["file_earliest_birth_date", "false"], "一致"),
         (["not(null)", "false", "-"], ["file_earliest_birth_date", "true"],
          "不一致：以档案最先记载为准，并转户籍信息确认")])


DIVISORS = {40: 233, 41: 230, 42: 226, 43: 223, 44: 220, 45: 216, 46: 212, 47: 207, 48: 204, 49: 199,
            50: 195, 51: 190, 52: 185, 53: 180, 54: 175, 55: 170, 56: 164, 57: 158, 58: 152, 59: 145,
            60: 139, 61: 132, 62: 125, 63: 117, 64: 109, 65: 101, 66: 93, 67: 84, 68: 75, 69: 65, 70: 56}


def pension_divisor():
    rules = []
    for age in range(40, 70):
        t, t_next = DIVISORS[age], DIVISORS[age + 1]
        rules.append(([str(age), "-"], [f"round_half_up({t} - ({t} - {t_next}) * age_months / 12, 1)"],
                      f"{age}岁：{t}；{age}岁k个月在{t}与{t_next}之间按月线性插值，保留一位小数（四舍五入）"))
    rules.append((["70", "0"], ["56"], "70岁：56"))
    return table(
        "pension_divisor", "Pension divisor", "个人账户养老金计发月数",
        "国发〔2005〕38号附件计发月数表（domain.md §3.2；47岁取207，待与gov.cn附件图片复核）。"
        "2025年起退休年龄精确到月（§3.3）：计发月数 = round1(T[a] - (T[a] - T[a+1]) × k / 12)，"
        "与济南答复 60岁1个月 = 138.4、50岁1个月 = 194.6 一致。[U] 按月规则的出处未找到，55岁行有另一版本（5/12步长），"
        "属临时规则。",
        "UNIQUE",
        [("age_years", "退休年龄（周岁）", "age_years", "integer", None),
         ("age_months", "零头月数", "age_months", "integer", "[0..11]")],
        [("months", "计发月数", "number", None)],
        rules)


def retiree_medical_eligibility():
    total = ('actual_months + (if deemed_counts then deemed_months else 0) - '
             '(if sex = "female" then min_total_months_female else min_total_months_male)')
    shortfall = ('max(0, (if sex = "female" then min_total_months_female else min_total_months_male) - '
                 'actual_months - (if deemed_counts then deemed_months else 0), '
                 'min_actual_months - actual_months, min_local_months - local_months)')
    rules = [
        ([">= 0", ">= 0", ">= 0", "-"], ['"eligible"', "true", "0"], "年限均已达到：退休后不再缴费，享受退休人员医保待遇"),
    ]
    short_cases = [
        (["< 0", "-", "-"], "累计缴费年限不足"),
        ([">= 0", "< 0", "-"], "实际缴费年限不足"),
        ([">= 0", ">= 0", "< 0"], "本地缴费年限不足"),
    ]
    for entries, zh in short_cases:
        rules.append((entries + ["true"], ['"lump_sum_top_up"', "false", shortfall], f"{zh}：可一次性补缴至规定年限"))
        rules.append((entries + ["false"], ['"monthly_contribution"', "false", shortfall],
                      f"{zh}：继续按月缴费至规定年限（社会保险法第二十七条）"))
    return table(
        "retiree_medical_eligibility", "Retiree medical insurance eligibility", "退休人员医保待遇年限",
        "社会保险法第二十七条（domain.md §4）。[U] 各地最低累计/实际/本地缴费年限、视同缴费年限是否计入、"
        "是否允许一次性补缴均未核实：全部作为地区参数（含生效日期，在地区 settings 中维护）由调用方传入，"
        "本表只写判断规则。月数参数：min_total_months_male, min_total_months_female, min_actual_months, "
        "min_local_months（无要求传0），deemed_counts, lump_sum_allowed；个人：sex, actual_months, deemed_months, local_months。",
        "UNIQUE",
        [("total_margin", "累计缴费月数 - 地方最低累计月数", total, "number", None),
         ("actual_margin", "实际缴费月数 - 地方最低实际缴费月数", "actual_months - min_actual_months", "number", None),
         ("local_margin", "本地缴费月数 - 地方最低本地缴费月数", "local_months - min_local_months", "number", None),
         ("lump_sum_allowed", "允许一次性补缴（地方参数）", "lump_sum_allowed", "boolean", None)],
        [("outcome", "结论", "string", '"eligible","lump_sum_top_up","monthly_contribution"'),
         ("eligible", "已满足年限", "boolean", None),
         ("shortfall_months", "尚差月数", "integer", None)],
        rules)


def deadline_roll():
    kinds = '"monthly_submission","statutory_period","task_due","advance_notice"'
    return table(
        "deadline_roll", "Deadline roll", "期限遇休息日的处理",
        "民法典第二百零三条：期间最后一日是法定休假日的，以休假日结束的次日为最后一日（domain.md §7.1）。"
        "[U] 枞阳“每月5日前/15日前”报送没有顺延条款，默认顺延至下一工作日（周末按法定休假日对待）；"
        "提前书面告知类期限（如弹性提前退休至少提前3个月告知）提前到上一工作日，保证“至少提前”。"
        "roll_policy 取值：next_workday, previous_workday, none, extend_by_holidays（税收征管式：期内连续3日以上休假日按天数顺延）。"
        "截止日当天计入（inclusive = true，民法典第一千二百五十九条）。",
        "UNIQUE",
        [("deadline_kind", "期限类型", "deadline_kind", "string", None)],
        [("roll_policy", "遇休息日", "string", '"next_workday","previous_workday","none","extend_by_holidays"'),
         ("inclusive", "截止日当天计入", "boolean", None)],
        [(['"monthly_submission"'], ['"next_workday"', "true"], "每月报送期限（如每月5日前、15日前）：顺延至下一工作日 [U]"),
         (['"statutory_period","task_due"'], ['"next_workday"', "true"], "法定期间、任务办理期限：民法典第203条"),
         (['"advance_notice"'], ['"previous_workday"', "true"], "须提前告知的最后一日：提前到上一工作日"),
         ([f"not({kinds})"], ['"next_workday"', "true"], "其他期限：顺延至下一工作日")])


BUILDERS = [statutory_retirement_age, minimum_contribution_months, flexible_retirement_window,
            flexible_retirement_request, early_retirement_route, birth_date_source, pension_divisor, retiree_medical_eligibility,
            deadline_roll]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(Path(__file__).resolve().parents[1] / "processes" / "000000"))
    parser.add_argument("--only", nargs="*", metavar="DECISION_ID",
                        help="write only these tables (leaves the others, which officers may have edited)")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for build in BUILDERS:
        if args.only and build.__name__ not in args.only:
            continue
        decision_id, xml = build()
        (out / f"{decision_id}.dmn").write_bytes(xml)
        print(out / f"{decision_id}.dmn")


if __name__ == "__main__":
    main()
