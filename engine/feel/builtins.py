"""The built-in library of DMN 1.5 chapter 10.3.4, by name (names with spaces as the standard spells them)."""
from __future__ import annotations

from . import lib_list, lib_number, lib_range, lib_text, lib_time  # noqa: F401 - they register themselves
from .library import SIGNATURES, builtin, make_function, text
from .values import Range, compare

IMPURE = frozenset({"now", "today"})


@builtin("range", "from")
def f_range(s):
    """``range("[1..10)")``: a range literal from text (its ends must be literals)."""
    from . import parse_expression
    from .errors import FeelSyntaxError
    source = text(s, "from").strip()
    try:
        expr = parse_expression(source)
    except FeelSyntaxError as exc:
        raise ValueError(f"not a range: {exc}") from None
    if expr.tree[0] != "range":
        raise ValueError("not a range")
    if not all(_literal(n) for n in _ends(expr.tree)):
        raise ValueError("range ends must be literals")
    value = expr.evaluate({})
    if value.__class__ is not Range or value.start is None and value.end is None:
        raise ValueError("not a range")
    if value.start is not None and value.end is not None:
        c = compare(value.start, value.end)
        if c is None or c > 0:
            raise ValueError("the range's start is after its end")
    return value


_TEMPORAL = frozenset({"date", "time", "date and time", "duration"})


def _literal(node) -> bool:
    if node[0] == "lit":
        return True
    if node[0] == "neg":
        return _literal(node[1])
    return (node[0] == "call" and node[1][0] == "name" and node[1][1] in _TEMPORAL and not node[3]
            and all(a[0] == "lit" and a[1].__class__ is str for a in node[2]))


def _ends(tree):
    if tree[0] == "range":
        return [tree[2], tree[3]]
    return [tree[2]]


BUILTINS = {name: make_function(name) for name in SIGNATURES}
NAMES = tuple(sorted(BUILTINS, key=len, reverse=True))
