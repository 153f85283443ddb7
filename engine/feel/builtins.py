"""The built-in library of DMN 1.5 chapter 10.3.4, by name (names with spaces as the standard spells them)."""
from __future__ import annotations

from . import lib_list, lib_number, lib_range, lib_text, lib_time  # noqa: F401 - they register themselves
from .library import SIGNATURES, builtin, make_function, text
from .values import Range

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
    if expr.tree[0] not in ("range", "utest"):
        raise ValueError("not a range")
    if any(n is not None and n[0] not in ("lit", "call") for n in _ends(expr.tree)):
        raise ValueError("range ends must be literals")
    value = expr.evaluate({})
    if value.__class__ is not Range:
        raise ValueError("not a range")
    return value


def _ends(tree):
    if tree[0] == "range":
        return [tree[2], tree[3]]
    return [tree[2]]


BUILTINS = {name: make_function(name) for name in SIGNATURES}
NAMES = tuple(sorted(BUILTINS, key=len, reverse=True))
