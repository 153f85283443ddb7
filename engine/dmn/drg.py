"""A decision requirements graph: decisions, input data, business knowledge models, decision services.

``Model.evaluate(name, inputs)`` gives a decision's DMN value: its required decisions are evaluated
first (once per call), input data are read from ``inputs``, and required knowledge (BKMs, decision
services) is bound as functions. Cycles and dangling references are deploy problems.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.feel import FeelFunction

from .boxed import Box, TableBox, dmn_function
from .errors import DecisionError, DecisionInputError, Problem
from .types import conform

MAX_DEPTH = 200        # nested BKM / decision service calls in one evaluation


@dataclass(eq=False)
class Element:
    kind: str                          # decision | inputData | bkm | decisionService
    id: str
    name: str
    namespace: str
    type_ref: str | None = None
    label: str = ""
    description: str = ""
    logic: Box | None = None
    params: tuple[str, ...] = ()       # BKM formal parameters
    required_decisions: list = field(default_factory=list)   # hrefs
    required_inputs: list = field(default_factory=list)
    required_knowledge: list = field(default_factory=list)
    outputs: list = field(default_factory=list)              # decision service
    encapsulated: list = field(default_factory=list)
    input_decisions: list = field(default_factory=list)
    input_data: list = field(default_factory=list)
    file_name: str = "<dmn>"
    imports: dict = field(default_factory=dict)              # namespace -> import name (of its file)
    public: Any = None                 # the Decision / DrgDecision load_decisions hands out


class Model:
    """Every element of one DMN file and the files it imports."""

    def __init__(self, namespace: str, file_name: str):
        self.namespace = namespace
        self.file_name = file_name
        self.elements: dict[tuple[str, str], Element] = {}    # (namespace, id) -> element
        self.types: dict[tuple[str, str], Any] = {}
        self.problems: list[Problem] = []
        self.tables: list = []          # every decision table, wherever it is

    # -- look-ups
    def add(self, element: Element):
        self.elements[(element.namespace, element.id)] = element

    def resolve(self, href: str, near: Element) -> Element | None:
        ns, _, ident = href.rpartition("#")
        return self.elements.get((ns or near.namespace, ident))

    def find(self, name_or_id: str, kinds=("decision",)) -> Element | None:
        for el in self.elements.values():
            if el.kind in kinds and el.namespace == self.namespace and name_or_id in (el.name, el.id):
                return el
        for el in self.elements.values():
            if el.kind in kinds and name_or_id in (el.name, el.id):
                return el
        return None

    def decisions(self) -> list[Element]:
        return [el for el in self.elements.values() if el.kind == "decision" and el.namespace == self.namespace]

    # -- evaluation
    def evaluate(self, name: str, inputs: dict) -> Any:
        """The DMN value of decision ``name`` (name or id) for ``inputs`` (input data by name)."""
        el = self.find(name)
        if el is None:
            raise DecisionError(f"{self.file_name}: no decision named {name!r}", decision_id=name)
        return _Run(self, inputs).decision(el)

    def evaluate_service(self, name: str, inputs: dict) -> dict:
        """A decision service invoked directly: its output decisions' values by name."""
        el = self.find(name, ("decisionService",))
        if el is None:
            raise DecisionError(f"{self.file_name}: no decision service named {name!r}", decision_id=name)
        run = _Run(self, {})
        return run.service(el, inputs)

    def context_for(self, el: Element, inputs: dict) -> dict:
        """What a decision's logic sees: the inputs plus its required decisions and knowledge."""
        return _Run(self, inputs).context(el)

    def check(self) -> list[Problem]:
        """Dangling references and cycles (the parser adds expression problems)."""
        found = []
        for el in self.elements.values():
            if el.namespace != self.namespace:
                continue
            for href in el.required_decisions + el.required_inputs + el.required_knowledge + el.outputs + \
                    el.encapsulated + el.input_decisions + el.input_data:
                if self.resolve(href, el) is None:
                    found.append(Problem(el.id, el.id, f"{_what(el)} refers to {href!r}, which is not in the file "
                                                       "or its imports"))
        found += self._cycles()
        found += self._invocations()
        return found

    def _invocations(self) -> list[Problem]:
        """A binding to a parameter the invoked business knowledge model does not have is refused."""
        from .boxed import InvocationBox, LiteralBox, boxes_in
        found = []
        for el in self.elements.values():
            if el.namespace != self.namespace or el.logic is None:
                continue
            known = {}
            for href in el.required_knowledge:
                target = self.resolve(href, el)
                if target is not None and target.kind == "bkm":
                    known[target.name] = target
            for box in boxes_in(el.logic):
                if not isinstance(box, InvocationBox) or not isinstance(box.callee, LiteralBox):
                    continue
                target = known.get(box.callee.text)
                if target is None:
                    continue
                extra = [name for name, _b in box.bindings if name not in target.params]
                if extra:
                    found.append(Problem(el.id, box.element_id or el.id,
                                         f"{_what(el)} invokes {target.name!r} with parameter(s) {extra}, which it "
                                         f"does not have (it takes {list(target.params)})"))
        return found

    def _cycles(self) -> list[Problem]:
        found, state = [], {}

        def edges(el):
            for href in el.required_decisions + el.required_knowledge + el.outputs + el.encapsulated:
                target = self.resolve(href, el)
                if target is not None:
                    yield target

        def visit(el, path):
            state[el] = 1
            for target in edges(el):
                if state.get(target) == 1:
                    cycle = path[path.index(target):] + [target] if target in path else [el, target]
                    found.append(Problem(el.id, el.id, "requirement cycle: " +
                                         " → ".join(c.name for c in cycle)))
                elif target not in state:
                    visit(target, path + [target])
            state[el] = 2

        for el in list(self.elements.values()):
            if el not in state:
                visit(el, [el])
        return found


def _what(el: Element) -> str:
    return {"decision": "decision", "bkm": "business knowledge model", "decisionService": "decision service",
            "inputData": "input data"}[el.kind] + f" {el.name!r}"


class _Run:
    """One evaluation: required decisions are computed once."""

    def __init__(self, model: Model, inputs: dict, depth: int = 0):
        self.model = model
        self.inputs = inputs
        self.done: dict[Element, Any] = {}
        self.active: set = set()
        self.depth = depth

    def decision(self, el: Element):
        if el in self.done:
            return self.done[el]
        if el.name in self.inputs and el.namespace == self.model.namespace:
            return self.inputs[el.name]      # a decision's value given as input (TCK, decision services)
        if el in self.active:
            raise DecisionError(f"decision {el.name!r} requires itself", decision_id=el.id)
        self.active.add(el)
        try:
            ctx = self.context(el)
            value = el.logic.evaluate(ctx) if el.logic is not None else None
        finally:
            self.active.discard(el)
        value = conform(value, el.type_ref, self.model, el.namespace)
        self.done[el] = value
        return value

    def context(self, el: Element) -> dict:
        ctx = dict(self.inputs) if el.namespace == self.model.namespace else {}
        for href in el.required_inputs:
            target = self.model.resolve(href, el)
            if target is None:
                continue
            value = self._input(target)
            self._bind(ctx, el, target, value)
        for href in el.required_decisions:
            target = self.model.resolve(href, el)
            if target is None:
                continue
            value = self.decision(target)
            self._bind(ctx, el, target, value)
            _camunda_outputs(ctx, target, value)
        for href in el.required_knowledge:
            target = self.model.resolve(href, el)
            if target is not None:
                self._bind(ctx, el, target, self.function(target))
        return ctx

    def _input(self, target: Element):
        if target.namespace == self.model.namespace:
            value = self.inputs.get(target.name)
        else:
            prefix = self.model_import_name(target)
            holder = self.inputs.get(prefix) if prefix else None
            value = holder.get(target.name) if isinstance(holder, dict) else self.inputs.get(target.name)
        return conform(value, target.type_ref, self.model, target.namespace, coerce_text=True)

    def model_import_name(self, target: Element) -> str | None:
        for el in self.model.elements.values():
            if el.namespace == self.model.namespace and target.namespace in el.imports:
                return el.imports[target.namespace]
        return None

    def _bind(self, ctx: dict, near: Element, target: Element, value):
        if target.namespace == near.namespace:
            ctx[target.name] = value
            return
        prefix = near.imports.get(target.namespace)
        if prefix is None:
            ctx[target.name] = value
            return
        holder = dict(ctx.get(prefix) or {})
        holder[target.name] = value
        ctx[prefix] = holder

    def function(self, el: Element):
        if el.kind == "decisionService":
            targets = [t for t in (self.model.resolve(h, el) for h in el.input_data + el.input_decisions)
                       if t is not None]
            params = tuple(t.name for t in targets)
            model = self.model

            def body(ctx, _el=el, _depth=self.depth):
                values = {}
                for t in targets:
                    given = ctx.get(t.name)
                    values[t.name] = conform(given, t.type_ref, model, t.namespace)
                    if given is not None and values[t.name] is None:
                        return None          # a parameter of the wrong type: the invocation is null
                result = _Run(model, {}, _depth + 1).service(_el, values)
                return next(iter(result.values())) if len(result) == 1 else result
            return dmn_function(el.name, params, body)
        if el.kind == "bkm":
            if self.depth > MAX_DEPTH:
                raise DecisionError(f"business knowledge model {el.name!r}: calls nested more than {MAX_DEPTH} deep",
                                    decision_id=el.id)
            closure = {}
            for href in el.required_knowledge:
                target = self.model.resolve(href, el)
                if target is not None and target is not el:
                    self._bind(closure, el, target, _Run(self.model, {}, self.depth + 1).function(target))
            if any(self.model.resolve(h, el) is el for h in el.required_knowledge):
                holder = {}
                closure[el.name] = FeelFunction(el.name, el.params,
                                                lambda args, named, state: holder["fn"].call(args, named, state))
                fn = el.logic.evaluate(closure) if el.logic is not None else None
                holder["fn"] = fn
                return fn
            return el.logic.evaluate(closure) if el.logic is not None else None
        return None

    def service(self, el: Element, values: dict) -> dict:
        inputs = {}
        for href in el.input_decisions + el.input_data:
            target = self.model.resolve(href, el)
            if target is not None:
                inputs[target.name] = values.get(target.name)
        run = _Run(self.model, inputs, self.depth)
        # inputs named after input decisions override them; encapsulated decisions are computed
        result = {}
        for href in el.outputs:
            target = self.model.resolve(href, el)
            if target is not None:
                result[target.name] = run.decision(target)
        return result


def _camunda_outputs(ctx: dict, target: Element, value):
    """Camunda binds a required table's output columns by name, beside the decision's own name."""
    logic = target.logic
    if not isinstance(logic, TableBox):
        return
    outputs = [o.name for o in logic.table.outputs if o.name and o.name != "result"]
    if len(outputs) == 1 and not isinstance(value, (list, dict)):
        ctx.setdefault(outputs[0], value)
    elif isinstance(value, dict):
        for name in outputs:
            if name in value:
                ctx.setdefault(name, value[name])


__all__ = ["Element", "Model", "DecisionInputError"]
