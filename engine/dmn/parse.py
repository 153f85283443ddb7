"""Read DMN 1.1 to 1.5 XML into a decision requirements graph, compiling every expression once."""
from __future__ import annotations

from lxml import etree

from .boxed import BoxReader, FunctionBox, TableBox
from .drg import Element, Model
from .errors import DecisionSyntaxError, Problem
from .entries import FeelSyntaxError, getter, output, unary, unary_tests
from .evaluate import build_plan
from .model import (AGGREGATIONS, HIT_POLICIES, Decision, DrgDecision, InputClause, InputEntry, OutputClause,
                    OutputEntry, Rule)
from .types import TypeDef

DMN_NAMESPACES = {
    "https://www.omg.org/spec/DMN/20230324/MODEL/": "1.5",
    "https://www.omg.org/spec/DMN/20211108/MODEL/": "1.4",
    "https://www.omg.org/spec/DMN/20191111/MODEL/": "1.3",
    "http://www.omg.org/spec/DMN/20180521/MODEL/": "1.2",
    "http://www.omg.org/spec/DMN/20151101/dmn.xsd": "1.1",
}
MAX_FILE = 5_000_000        # bytes of one DMN file

_XML = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True,
                       remove_pis=True, huge_tree=False)


def load_model(files) -> Model:
    """Parse DMN files ``[(file name, bytes or text), ...]``; the first is the model, the rest its imports."""
    files = list(files)
    if not files:
        raise DecisionSyntaxError("no DMN file given")
    roots = [(name, _root(source, name)) for name, source in files]
    main_name, main_root = roots[0]
    model = Model(main_root.get("namespace") or "", main_name)
    names = set()
    for _name, root in roots:
        names |= _names(root)
    names = frozenset(n for n in names if n)
    for name, root in roots:
        _DrgReader(model, root, name, names).read()
    model.problems += model.check()
    return model


def load_decisions(source, file_name: str = "<dmn>") -> list:
    """Parse a DMN file (bytes, text or its lxml root) into its decisions; entries are compiled once here.

    Table decisions are ``Decision`` objects; other decisions ``DrgDecision``; both evaluate their
    required decisions first. Problems of the whole file are on every decision's ``problems()``.
    """
    model = load_model([(file_name, source)])
    decisions = [el.public for el in model.decisions()]
    if not decisions:
        raise DecisionSyntaxError(f"{file_name}: the file defines no decision")
    return decisions


def _root(source, file_name):
    """The root of a DMN file given as bytes, text, or already read (an lxml element, see engine.parsed)."""
    if isinstance(source, etree._Element):
        root = source
    else:
        root = _read(source, file_name)
    qname = etree.QName(root)
    if qname.localname != "definitions" or qname.namespace not in DMN_NAMESPACES:
        raise DecisionSyntaxError(
            f"{file_name}: not a DMN file (root {root.tag}); expected <definitions> in "
            f"{' or '.join(DMN_NAMESPACES)}")
    return root


def _names(root) -> set:
    """Every name the file declares: FEEL names may contain spaces, so the parser is told them."""
    found = set()
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        local = etree.QName(el).localname
        if local in ("variable", "formalParameter", "column", "itemDefinition", "itemComponent", "decision",
                     "inputData", "businessKnowledgeModel", "decisionService", "parameter", "import"):
            found.add(el.get("name"))
        elif local == "output":
            found.add(el.get("name"))
        if el.get("iteratorVariable"):
            found.add(el.get("iteratorVariable"))
    return found


def _read(source, file_name):
    if isinstance(source, str):
        source = source.encode("utf-8")
    if len(source) > MAX_FILE:
        raise DecisionSyntaxError(f"{file_name}: the file is {len(source)} bytes; at most {MAX_FILE} are allowed")
    try:
        return etree.fromstring(source, _XML)
    except etree.XMLSyntaxError as exc:
        raise DecisionSyntaxError(f"{file_name}: not well-formed XML: {exc}") from None


_KINDS = {"decision": "decision", "inputData": "inputData", "businessKnowledgeModel": "bkm",
          "decisionService": "decisionService"}


class _DrgReader:
    def __init__(self, model: Model, root, file_name: str, names: frozenset):
        self.model = model
        self.root = root
        self.ns = etree.QName(root).namespace
        self.namespace = root.get("namespace") or ""
        self.file_name = file_name
        self.names = names
        self.imports = {i.get("namespace"): i.get("name") for i in root.findall(self.q("import"))
                        if i.get("namespace")}
        self.current = ""

    def q(self, tag: str) -> str:
        return f"{{{self.ns}}}{tag}"

    def problem(self, element_id, message):
        self.model.problems.append(Problem(self.current, element_id, message))

    def read(self):
        for item in self.root.findall(self.q("itemDefinition")):
            typedef = self.item_definition(item)
            self.model.types[(self.namespace, typedef.name)] = typedef
        for child in self.root:
            if not isinstance(child.tag, str):
                continue
            kind = _KINDS.get(etree.QName(child).localname)
            if kind:
                self.element(child, kind)

    def item_definition(self, el) -> TypeDef:
        allowed_text = (el.findtext(f"{self.q('allowedValues')}/{self.q('text')}") or "").strip()
        allowed = None
        if allowed_text:
            try:
                allowed = unary_tests(allowed_text, self.names)
            except FeelSyntaxError as exc:
                self.problem(el.get("id"), f"item definition {el.get('name')!r}: allowed values "
                                           f"{allowed_text!r}: {exc}")
        components = {c.get("name"): self.item_definition(c) for c in el.findall(self.q("itemComponent"))}
        return TypeDef(el.get("name") or "", (el.findtext(self.q("typeRef")) or "").strip() or None, allowed,
                       components, el.get("isCollection") == "true")

    def hrefs(self, el, path: str) -> list:
        return [r.get("href") for r in el.findall(path) if r.get("href")]

    def element(self, el, kind: str):
        ident = el.get("id") or el.get("name") or ""
        self.current = ident
        var = el.find(self.q("variable"))
        name = el.get("name") or (var.get("name") if var is not None else None) or ident
        element = Element(kind, ident, name, self.namespace,
                          type_ref=var.get("typeRef") if var is not None else None,
                          label=el.get("label") or "", description=(el.findtext(self.q("description")) or "").strip(),
                          file_name=self.file_name, imports=self.imports)
        ir, kr = self.q("informationRequirement"), self.q("knowledgeRequirement")
        element.required_decisions = self.hrefs(el, f"{ir}/{self.q('requiredDecision')}")
        element.required_inputs = self.hrefs(el, f"{ir}/{self.q('requiredInput')}")
        element.required_knowledge = self.hrefs(el, f"{kr}/{self.q('requiredKnowledge')}")
        boxes = BoxReader(self.q, self.names, self.problem,
                          lambda t, _el=el, _name=name: self.table(t, _el, _name))
        where = f"{_KIND_WORD[kind]} {name!r}"
        if kind == "decision":
            logic = boxes.find(el)
            if logic is None:
                self.problem(ident, f"{where} has no decision logic (a table, a literal expression or another "
                                    "boxed expression)")
            element.logic = boxes.read(logic, where) if logic is not None else None
            table = element.logic.table if isinstance(element.logic, TableBox) else None
            if table is not None:
                table.drg, table.element = self.model, element
                element.public = table
            else:
                element.public = DrgDecision(element, self.model)
        elif kind == "bkm":
            logic = el.find(self.q("encapsulatedLogic"))
            if logic is None:
                self.problem(ident, f"{where} has no encapsulated logic")
            else:
                fn = FunctionBox(tuple(p.get("name") for p in logic.findall(self.q("formalParameter"))),
                                 boxes.read(boxes.find(logic), where), logic.get("id"), name)
                kind_attr = (logic.get("kind") or "FEEL").upper()
                if kind_attr not in ("FEEL", "F"):
                    self.problem(ident, f"{where}: function kind {kind_attr} (Java / PMML) cannot be evaluated "
                                        "here; only FEEL functions")
                element.logic = fn
                element.params = fn.params
        elif kind == "decisionService":
            element.outputs = self.hrefs(el, self.q("outputDecision"))
            element.encapsulated = self.hrefs(el, self.q("encapsulatedDecision"))
            element.input_decisions = self.hrefs(el, self.q("inputDecision"))
            element.input_data = self.hrefs(el, self.q("inputData"))
        self.model.add(element)

    def table(self, table_el, decision_el, name):
        reader = _Reader(self.ns, self.file_name, self.names)
        table = reader.table(table_el, decision_el, name)
        self.model.tables.append(table)
        return table


_KIND_WORD = {"decision": "decision", "inputData": "input data", "bkm": "business knowledge model",
              "decisionService": "decision service"}


class _Reader:
    """Reads one decision table."""

    def __init__(self, ns: str, file_name: str, names=frozenset()):
        self.ns = ns
        self.file_name = file_name
        self.names = names
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

    def table(self, table, el, name) -> Decision:
        decision_id = el.get("id") or name or ""
        self.decision_id = decision_id
        self.problems = []
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
            id=decision_id, name=name or decision_id, label=el.get("label") or el.get("name") or "",
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
                getter = _getter(expression, self.names)
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
        default = None
        default_text = self.text(el.find(self.q("defaultOutputEntry")))
        if default_text:
            try:
                default = output(default_text, self.names)
            except FeelSyntaxError as exc:
                self.problem(clause_id, f"output column {n} ({label}): default {default_text!r}: {exc}")
        return OutputClause(clause_id, name or "result", label, el.get("typeRef"), allowed_text, allowed, default)

    def allowed(self, text, clause_id, what):
        if not text:
            return None
        try:
            return unary(text, self.names)
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
                test = unary(text, self.names)
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
                expr = output(text, self.names)
            except FeelSyntaxError as exc:
                expr = None
                self.problem(entry_id, f"rule {number}, output {clause.name!r}: {text!r} is not a valid "
                                       f"expression: {exc}")
            output_entries.append(OutputEntry(entry_id, text, expr))
        annotation = (el.findtext(self.q("description")) or "").strip()
        notes = [self.text(a) for a in el.findall(self.q("annotationEntry"))]
        annotation = "\n".join(t for t in [annotation, *notes] if t)
        return Rule(number, rule_id, tuple(input_entries), tuple(output_entries), annotation)


def _getter(expression: str, names):
    return getter(expression, names)
