"""Boxed expressions (DMN 1.5 ch. 10): read once from XML, evaluated against a FEEL context (a dict).

Literal expressions, contexts, invocations, lists, relations, function definitions, and the DMN 1.5
conditional, filter and iterator (for / every / some) boxes. Decision tables are read by ``parse`` and
wrapped in ``TableBox``. Each box has ``evaluate(ctx) -> value``; FEEL null is Python ``None``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.feel import FeelBudgetError, FeelFunction
from engine.feel.evaluator import State

from .entries import FeelSyntaxError, expression

MAX_ITEMS = 100_000      # items an iterator or filter may visit


_DEPTH = {"n": 0}
MAX_CALL_DEPTH = 200


def dmn_function(name: str, params, body, closure: dict | None = None) -> FeelFunction:
    """A BKM, decision service or boxed function definition as a FEEL function value."""
    params = tuple(params)
    closure = closure or {}

    def call(args, named, state):
        if named:
            if any(k not in params for k in named):
                return None
            values = {p: named.get(p) for p in params}
        else:
            args = list(args or ())
            if len(args) != len(params):
                return None
            values = dict(zip(params, args))
        ctx = dict(closure)
        ctx.update(values)
        _DEPTH["n"] += 1
        try:
            if _DEPTH["n"] > MAX_CALL_DEPTH:
                raise FeelBudgetError(f"functions call each other more than {MAX_CALL_DEPTH} deep")
            return body(ctx)
        finally:
            _DEPTH["n"] -= 1
    fn = FeelFunction(name, params, call)
    return fn


class Box:
    element_id: str | None = None

    def evaluate(self, ctx: dict) -> Any:  # pragma: no cover - every box defines it
        raise NotImplementedError


@dataclass
class LiteralBox(Box):
    text: str
    fn: Any
    element_id: str | None = None

    def evaluate(self, ctx):
        return self.fn(ctx)


@dataclass
class ContextBox(Box):
    entries: list            # [(name or None, Box)]
    element_id: str | None = None

    def evaluate(self, ctx):
        local = dict(ctx)
        result = {}
        for name, box in self.entries:
            value = box.evaluate(local)
            if name is None:
                return value
            result[name] = value
            local[name] = value
        return result


@dataclass
class ListBox(Box):
    items: list
    element_id: str | None = None

    def evaluate(self, ctx):
        return [item.evaluate(ctx) for item in self.items]


@dataclass
class RelationBox(Box):
    columns: list[str]
    rows: list[list]
    element_id: str | None = None

    def evaluate(self, ctx):
        return [{c: cell.evaluate(ctx) for c, cell in zip(self.columns, row)} for row in self.rows]


@dataclass
class FunctionBox(Box):
    params: tuple[str, ...]
    body: Box
    element_id: str | None = None
    name: str = "anonymous"

    def evaluate(self, ctx):
        return dmn_function(self.name, self.params, self.body.evaluate, dict(ctx))


@dataclass
class InvocationBox(Box):
    callee: Box
    bindings: list           # [(parameter name, Box or None)]
    element_id: str | None = None

    def evaluate(self, ctx):
        fn = self.callee.evaluate(ctx)
        if fn is None:
            return None
        named = {name: (box.evaluate(ctx) if box is not None else None) for name, box in self.bindings}
        if not isinstance(fn, FeelFunction):
            return None
        if fn.params is None:        # a built-in: its parameters in the order given
            return fn.call(list(named.values()), None, State(None))
        return fn.call([], named, State(None))


@dataclass
class ConditionalBox(Box):
    condition: Box
    then: Box
    otherwise: Box
    element_id: str | None = None

    def evaluate(self, ctx):
        condition = self.condition.evaluate(ctx)
        if condition is True:
            return self.then.evaluate(ctx)
        if condition is False or condition is None:
            return self.otherwise.evaluate(ctx)
        return None                      # a condition that is not a boolean gives null (DMN 1.5 10.3.2.15)


@dataclass
class FilterBox(Box):
    source: Box
    match: Box
    element_id: str | None = None

    def evaluate(self, ctx):
        items = self.source.evaluate(ctx)
        if items is None:
            return None
        if not isinstance(items, list):
            items = [items]
        out = []
        for item in items[:MAX_ITEMS]:
            local = dict(ctx)
            if isinstance(item, dict):
                local.update(item)
            local["item"] = item
            if self.match.evaluate(local) is True:
                out.append(item)
        return out


@dataclass
class IteratorBox(Box):
    kind: str                # for, every, some
    variable: str
    source: Box
    body: Box
    element_id: str | None = None

    def evaluate(self, ctx):
        items = self.source.evaluate(ctx)
        if items is None:
            return None
        if not isinstance(items, list):
            items = [items]
        local = dict(ctx)
        results = []
        for item in items[:MAX_ITEMS]:
            local[self.variable] = item
            if self.kind == "for":
                local["partial"] = list(results)
            results.append(self.body.evaluate(local))
        if self.kind == "for":
            return results
        if self.kind == "every":
            if any(r is False for r in results):
                return False
            return True if all(r is True for r in results) else None
        if any(r is True for r in results):
            return True
        return False if all(r is False for r in results) else None


@dataclass
class TableBox(Box):
    """A decision table inside a DRG: its DMN value (null / [] when no rule matches)."""
    table: Any
    element_id: str | None = None

    def evaluate(self, ctx):
        from .evaluate import dmn_value
        return dmn_value(self.table, ctx)


@dataclass
class Unsupported(Box):
    what: str
    element_id: str | None = None

    def evaluate(self, ctx):
        return None


@dataclass
class BoxReader:
    """Reads boxed expressions; syntax problems are collected, not raised."""
    q: Any                    # tag -> qualified tag
    names: frozenset
    problem: Any              # callable(element_id, message)
    read_table: Any           # callable(decisionTable element) -> table object
    problems_seen: list = field(default_factory=list)

    KINDS = ("literalExpression", "context", "invocation", "list", "relation", "functionDefinition",
             "decisionTable", "conditional", "filter", "for", "every", "some")

    def find(self, el):
        """The boxed expression child of ``el`` (a decision, entry, binding, ...), or None."""
        if el is None:
            return None
        for child in el:
            if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] in self.KINDS:
                return child
        return None

    def read(self, el, where: str) -> Box:
        if el is None:
            return LiteralBox("", lambda ctx: None)
        tag = el.tag.rsplit("}", 1)[-1]
        eid = el.get("id")
        if tag == "literalExpression":
            text_el = el.find(self.q("text"))
            text = (text_el.text or "").strip() if text_el is not None else ""
            if not text:
                return LiteralBox("", lambda ctx: None, eid)
            try:
                return LiteralBox(text, expression(text, self.names), eid)
            except FeelSyntaxError as exc:
                self.problem(eid, f"{where}: {text!r} is not a valid FEEL expression: {exc}")
                return Unsupported("syntax", eid)
        if tag == "context":
            entries = []
            for entry in el.findall(self.q("contextEntry")):
                var = entry.find(self.q("variable"))
                name = var.get("name") if var is not None else None
                entries.append((name, self.read(self.find(entry), f"{where}, entry {name or '(result)'}")))
            return ContextBox(entries, eid)
        if tag == "list":
            return ListBox([self.read(c, f"{where}, list item") for c in el
                            if isinstance(c.tag, str) and c.tag.rsplit("}", 1)[-1] in self.KINDS], eid)
        if tag == "relation":
            columns = [c.get("name") for c in el.findall(self.q("column"))]
            rows = []
            for row in el.findall(self.q("row")):
                cells = [self.read(c, f"{where}, relation cell") for c in row
                         if isinstance(c.tag, str) and c.tag.rsplit("}", 1)[-1] in self.KINDS]
                rows.append(cells)
            return RelationBox(columns, rows, eid)
        if tag == "functionDefinition":
            kind = (el.get("kind") or "FEEL").upper()
            params = tuple(p.get("name") for p in el.findall(self.q("formalParameter")))
            if kind not in ("FEEL", "F"):
                self.problem(eid, f"{where}: function kind {kind} (Java / PMML) cannot be evaluated here; "
                                  "only FEEL functions")
                return Unsupported(kind, eid)
            return FunctionBox(params, self.read(self.find(el), f"{where}, function body"), eid)
        if tag == "invocation":
            callee = self.read(self.find(el), f"{where}, invoked function")
            bindings = []
            for b in el.findall(self.q("binding")):
                param = b.find(self.q("parameter"))
                pname = param.get("name") if param is not None else None
                inner = self.find(b)
                bindings.append((pname, self.read(inner, f"{where}, parameter {pname}") if inner is not None
                                 else None))
            return InvocationBox(callee, bindings, eid)
        if tag == "decisionTable":
            return TableBox(self.read_table(el), eid)
        if tag == "conditional":
            parts = {p: self.read(self.find(el.find(self.q(p))), f"{where}, {p}") for p in ("if", "then", "else")}
            return ConditionalBox(parts["if"], parts["then"], parts["else"], eid)
        if tag == "filter":
            return FilterBox(self.read(self.find(el.find(self.q("in"))), f"{where}, in"),
                             self.read(self.find(el.find(self.q("match"))), f"{where}, match"), eid)
        if tag in ("for", "every", "some"):
            body_tag = "return" if tag == "for" else "satisfies"
            return IteratorBox(tag, el.get("iteratorVariable") or "item",
                               self.read(self.find(el.find(self.q("in"))), f"{where}, in"),
                               self.read(self.find(el.find(self.q(body_tag))), f"{where}, {body_tag}"), eid)
        self.problem(eid, f"{where}: the boxed expression {tag} is not supported")  # pragma: no cover
        return Unsupported(tag, eid)


def boxes_in(box):
    """Every box inside ``box`` (itself included), depth first."""
    stack = [box]
    while stack:
        b = stack.pop()
        if not isinstance(b, Box):
            continue
        yield b
        for value in vars(b).values():
            if isinstance(value, Box):
                stack.append(value)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, Box):
                        stack.append(item)
                    elif isinstance(item, (list, tuple)):
                        stack.extend(x for x in item if isinstance(x, Box))
