"""The one door from DMN to FEEL: compile a literal expression or unary tests once, evaluate many times.

``expression(text, names)`` gives ``fn(context) -> value``; ``unary_tests(text, names)`` gives
``fn(value, context) -> bool | None``. Both raise ``FeelSyntaxError`` on a text that does not parse;
evaluation gives FEEL null where FEEL says so (a missing name, a type mismatch).
"""
from __future__ import annotations

from .feel import FeelEvalError, MissingName, compile_expression, parse_expression
from .lexer import FeelSyntaxError
from .unary import compile_unary_tests

__all__ = ["FeelSyntaxError", "expression", "unary_tests"]


def expression(text: str, names=()):
    compiled = compile_expression(parse_expression(text))
    if compiled.constant:
        value = compiled.value
        return lambda ctx: value
    fn = compiled.fn

    def run(ctx):
        try:
            return fn(ctx, None)
        except (MissingName, FeelEvalError, LookupError, TypeError, ValueError):
            return None
    return run


def unary_tests(text: str, names=()):
    test = compile_unary_tests(text).test
    if test is None:
        return lambda value, ctx: True

    def run(value, ctx):
        try:
            return test(value, ctx)
        except (MissingName, FeelEvalError, LookupError, TypeError, ValueError):
            return None
    return run
