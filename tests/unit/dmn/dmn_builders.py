"""Build small DMN 1.3 tables inline, so each test shows the whole table it uses."""
from __future__ import annotations

from xml.sax.saxutils import escape

from engine.dmn import Decision, load_decisions
from tests.support.decisions import NATIONAL, national_decision  # noqa: F401  (NATIONAL: the folder)

DMN13 = "https://www.omg.org/spec/DMN/20191111/MODEL/"


def table_xml(rules, *, inputs=(("x", "number"),), outputs=(("result", "string"),), hit_policy="UNIQUE",
              aggregation=None, decision_id="example", namespace=DMN13, output_values=None,
              input_values=None) -> str:
    """rules: list of (input entry texts, output entry texts[, annotation])."""
    attrs = f' hitPolicy="{hit_policy}"' + (f' aggregation="{aggregation}"' if aggregation else "")
    parts = [f'<definitions xmlns="{namespace}" id="defs" name="defs" namespace="test">',
             f'<decision id="{decision_id}" name="{decision_id}" label="示例">',
             f'<decisionTable id="{decision_id}_table"{attrs}>']
    for n, (expr, type_ref) in enumerate(inputs, 1):
        values = (input_values or {}).get(expr)
        values_xml = f"<inputValues><text>{escape(values)}</text></inputValues>" if values else ""
        parts.append(f'<input id="in{n}" label="{escape(expr)}"><inputExpression id="ie{n}" typeRef="{type_ref}">'
                     f"<text>{escape(expr)}</text></inputExpression>{values_xml}</input>")
    for n, (name, type_ref) in enumerate(outputs, 1):
        values = (output_values or {}).get(name)
        values_xml = f"<outputValues><text>{escape(values)}</text></outputValues>" if values else ""
        parts.append(f'<output id="out{n}" name="{name}" label="{name}" typeRef="{type_ref}">{values_xml}</output>')
    for r, rule in enumerate(rules, 1):
        ins, outs = rule[0], rule[1]
        note = f"<description>{escape(rule[2])}</description>" if len(rule) > 2 else ""
        parts.append(f'<rule id="r{r}">{note}')
        parts += [f'<inputEntry id="r{r}i{c}"><text>{escape(t)}</text></inputEntry>' for c, t in enumerate(ins, 1)]
        parts += [f'<outputEntry id="r{r}o{c}"><text>{escape(t)}</text></outputEntry>' for c, t in enumerate(outs, 1)]
        parts.append("</rule>")
    parts += ["</decisionTable>", "</decision>", "</definitions>"]
    return "".join(parts)


def table(rules, **kwargs) -> Decision:
    return load_decisions(table_xml(rules, **kwargs))[0]


def unary(entry: str, *, type_ref: str = "", **extra) -> Decision:
    """A one-column table with one rule: matches when `entry` accepts the input x."""
    return table([([entry], ['"hit"'])], inputs=(("x", type_ref),), **extra)


def matches(entry: str, value, type_ref: str = "") -> bool:
    return unary(entry, type_ref=type_ref).evaluate({"x": value}).outputs is not None


def national(decision_id: str) -> Decision:
    return national_decision(decision_id)
