"""Read DMN 1.3 (and 1.2 / 1.1) XML into Decision objects, compiling every entry once."""
from __future__ import annotations

from lxml import etree

from .errors import DecisionSyntaxError, Problem
from .evaluate import build_plan
from .feel import compile_expression, lookup, parse_expression
from .lexer import FeelSyntaxError
from .model import AGGREGATIONS, HIT_POLICIES, Decision, InputClause, InputEntry, OutputClause, OutputEntry, Rule
from .unary import compile_unary_tests

DMN_NAMESPACES = {
    "https://www.omg.org/spec/DMN/20191111/MODEL/": "1.3",
    "http://www.omg.org/spec/DMN/20180521/MODEL/": "1.2",
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd": "1.1",
}

_XML = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True,
                       remove_pis=True, huge_tree=False)


def load_decisions(source: bytes | str, file_name: str = "<dmn>") -> list[Decision]:
    """Parse a DMN file (bytes or text) into its decisions; entries are compiled once here."""
    if isinstance(source, str):
        source = source.encode("utf-8")
    try:
        root = etree.fromstring(source, _XML)
    except etree.XMLSyntaxError as exc:
        raise DecisionSyntaxError(f"{file_name}: not well-formed XML: {exc}") from None
    qname = etree.QName(root)
    if qname.localname != "definitions" or qname.namespace not in DMN_NAMESPACES:
        raise DecisionSyntaxError(
            f"{file_name}: not a DMN file (root {root.tag}); expected <definitions> in "
            f"{' or '.join(DMN_NAMESPACES)}")
    reader = _Reader(qname.namespace, file_name)
    decisions = [reader.decision(el) for el in root.findall(reader.q("decision"))]
    if not decisions:
        raise DecisionSyntaxError(f"{file_name}: the file defines no decision")
    return decisions


class _Reader:
    def __init__(self, ns: str, file_name: str):
        self.ns = ns
        self.file_name = file_name
        self.problems: list[Problem] = []
        self.decision_id = ""

    def q(self, tag: str) -> str:
        return f"{{{self.ns}}}{tag}"

    def text(self, el, child: str = "text") -> str:
        if el is None:
            return ""
        found = el.find(self.q(child))
        return (found.text or "").strip() if found is not None else ""

    def problem(self, element_id: str | None, message: str):
        self.problems.append(Problem(self.decision_id, element_id, message))

    def decision(self, el) -> Decision:
        decision_id = el.get("id") or ""
        self.decision_id = decision_id
        self.problems = []
        if not decision_id:
            raise DecisionSyntaxError(f"{self.file_name}: a decision has no id")
        table = el.find(self.q("decisionTable"))
        if table is None:
            raise DecisionSyntaxError(
                f"{self.file_name}: decision {decision_id!r} has no decision table "
                "(only decision tables are supported)", decision_id=decision_id)
        hit_policy = (table.get("hitPolicy") or "UNIQUE").upper().replace("_", " ")
        if hit_policy not in HIT_POLICIES:
            raise DecisionSyntaxError(
                f"{self.file_name}: decision {decision_id!r} has unknown hit policy {hit_policy!r}",
                decision_id=decision_id, element_id=table.get("id"))
        aggregation = (table.get("aggregation") or "").upper() or None
        if aggregation and aggregation not in AGGREGATIONS:
            raise DecisionSyntaxError(
                f"{self.file_name}: decision {decision_id!r} has unknown aggregation {aggregation!r}",
                decision_id=decision_id, element_id=table.get("id"))
        if aggregation and hit_policy != "COLLECT":
            self.problem(table.get("id"), f"aggregation {aggregation} is only allowed with hit policy COLLECT")

        inputs = tuple(self.input_clause(i, n) for n, i in enumerate(table.findall(self.q("input")), 1))
        outputs = tuple(self.output_clause(o, n, len(table.findall(self.q("output"))))
                        for n, o in enumerate(table.findall(self.q("output")), 1))
        if not outputs:
            raise DecisionSyntaxError(f"{self.file_name}: decision {decision_id!r} has no output column",
                                      decision_id=decision_id)
        rules = tuple(self.rule(r, n, inputs, outputs)
                      for n, r in enumerate(table.findall(self.q("rule")), 1))
        decision = Decision(
            id=decision_id, name=el.get("name") or decision_id, label=el.get("label") or el.get("name") or "",
            hit_policy=hit_policy, aggregation=aggregation, inputs=inputs, outputs=outputs, rules=rules,
            description=(el.findtext(self.q("description")) or "").strip(),
            file_name=self.file_name, table_id=table.get("id") or "", syntax_problems=tuple(self.problems))
        decision._plan = build_plan(decision)
        return decision

    def input_clause(self, el, n: int) -> InputClause:
        clause_id = el.get("id") or f"input_{n}"
        expr_el = el.find(self.q("inputExpression"))
        expression = self.text(expr_el)
        type_ref = (expr_el.get("typeRef") if expr_el is not None else None) or el.get("typeRef")
        label = el.get("label") or expression
        getter = None
        if not expression:
            self.problem(clause_id, f"input column {n} ({label}) has no input expression")
        else:
            try:
                getter = _getter(expression)
            except FeelSyntaxError as exc:
                self.problem(clause_id, f"input column {n} ({label}): expression {expression!r}: {exc}")
        allowed_text = self.text(el.find(self.q("inputValues"))) or None
        allowed = self.allowed(allowed_text, clause_id, f"input column {n} ({label})")
        return InputClause(clause_id, label, expression, type_ref, allowed_text, getter, allowed)

    def output_clause(self, el, n: int, count: int) -> OutputClause:
        clause_id = el.get("id") or f"output_{n}"
        name = el.get("name") or ""
        if not name and count > 1:
            self.problem(clause_id, f"output column {n} has no name")
        label = el.get("label") or name
        allowed_text = self.text(el.find(self.q("outputValues"))) or None
        allowed = self.allowed(allowed_text, clause_id, f"output column {n} ({label})")
        return OutputClause(clause_id, name or "result", label, el.get("typeRef"), allowed_text, allowed)

    def allowed(self, text, clause_id, what):
        if not text:
            return None
        try:
            return compile_unary_tests(text)
        except FeelSyntaxError as exc:
            self.problem(clause_id, f"{what}: allowed values {text!r}: {exc}")
            return None

    def rule(self, el, number: int, inputs, outputs) -> Rule:
        rule_id = el.get("id") or f"rule_{number}"
        in_els = el.findall(self.q("inputEntry"))
        out_els = el.findall(self.q("outputEntry"))
        if len(in_els) != len(inputs) or len(out_els) != len(outputs):
            raise DecisionSyntaxError(
                f"{self.file_name}: decision {self.decision_id!r} rule {number} ({rule_id}) has "
                f"{len(in_els)} input and {len(out_els)} output entries; the table has "
                f"{len(inputs)} inputs and {len(outputs)} outputs",
                decision_id=self.decision_id, element_id=rule_id)
        input_entries = []
        for col, (entry_el, clause) in enumerate(zip(in_els, inputs), 1):
            entry_id = entry_el.get("id") or f"{rule_id}_in_{col}"
            text = self.text(entry_el)
            try:
                test = compile_unary_tests(text)
            except FeelSyntaxError as exc:
                test = None
                self.problem(entry_id, f"rule {number}, input {clause.label!r}: {text!r} is not a valid "
                                       f"unary test: {exc}")
            input_entries.append(InputEntry(entry_id, text, test))
        output_entries = []
        for col, (entry_el, clause) in enumerate(zip(out_els, outputs), 1):
            entry_id = entry_el.get("id") or f"{rule_id}_out_{col}"
            text = self.text(entry_el)
            try:
                expr = compile_expression(parse_expression(text))
            except FeelSyntaxError as exc:
                expr = None
                self.problem(entry_id, f"rule {number}, output {clause.name!r}: {text!r} is not a valid "
                                       f"expression: {exc}")
            output_entries.append(OutputEntry(entry_id, text, expr))
        annotation = (el.findtext(self.q("description")) or "").strip()
        notes = [self.text(a) for a in el.findall(self.q("annotationEntry"))]
        annotation = "\n".join(t for t in [annotation, *notes] if t)
        return Rule(number, rule_id, tuple(input_entries), tuple(output_entries), annotation)


def _getter(expression: str):
    node = parse_expression(expression)
    if node[0] == "name":
        path = node[1]
        if len(path) == 1:
            key = path[0]
            return lambda ctx: ctx[key]
        return lambda ctx: lookup(ctx, path)
    compiled = compile_expression(node)
    return lambda ctx: compiled.fn(ctx, None)
