"""Sets of input values described by unary tests, and whether two such sets intersect.

A region is a union of intervals over one value kind (numbers, strings, dates; booleans and
null as points), possibly complemented (`not(...)`, and `-` as the complement of nothing).
Domains are treated as dense, so the answer "they intersect" is sound for reals, strings and
dates; a region that cannot be described (an expression with `?`, a name as an endpoint) is
None and makes the answer unknown.
"""
from __future__ import annotations

from dataclasses import dataclass


class _Bound:
    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name


NEG = _Bound("-inf")
POS = _Bound("+inf")


@dataclass(frozen=True)
class Interval:
    kind: str
    lo: object
    lo_closed: bool
    hi: object
    hi_closed: bool

    @classmethod
    def point(cls, kind: str, value):
        if kind == "null":
            value = 0
        return cls(kind, value, True, value, True)


@dataclass(frozen=True)
class Region:
    negated: bool
    intervals: tuple[Interval, ...]


EVERYTHING = Region(True, ())


def _lt(a, b) -> bool:
    if a is b:
        return False
    if a is NEG or b is POS:
        return True
    if a is POS or b is NEG:
        return False
    return a < b


def _eq(a, b) -> bool:
    return not _lt(a, b) and not _lt(b, a)


def _nonempty(lo, lo_closed, hi, hi_closed) -> bool:
    if _lt(lo, hi):
        return True
    return _eq(lo, hi) and lo_closed and hi_closed and lo is not NEG and lo is not POS


def intersect(x: Interval, y: Interval) -> Interval | None:
    if x.kind != y.kind:
        return None
    if _lt(x.lo, y.lo):
        lo, lo_closed = y.lo, y.lo_closed
    elif _lt(y.lo, x.lo):
        lo, lo_closed = x.lo, x.lo_closed
    else:
        lo, lo_closed = x.lo, x.lo_closed and y.lo_closed
    if _lt(x.hi, y.hi):
        hi, hi_closed = x.hi, x.hi_closed
    elif _lt(y.hi, x.hi):
        hi, hi_closed = y.hi, y.hi_closed
    else:
        hi, hi_closed = x.hi, x.hi_closed and y.hi_closed
    if not _nonempty(lo, lo_closed, hi, hi_closed):
        return None
    return Interval(x.kind, lo, lo_closed, hi, hi_closed)


def subtract(x: Interval, b: Interval) -> list[Interval]:
    if intersect(x, b) is None:
        return [x]
    pieces = []
    if b.lo is not NEG and _nonempty(x.lo, x.lo_closed, b.lo, not b.lo_closed):
        pieces.append(Interval(x.kind, x.lo, x.lo_closed, b.lo, not b.lo_closed))
    if b.hi is not POS and _nonempty(b.hi, not b.hi_closed, x.hi, x.hi_closed):
        pieces.append(Interval(x.kind, b.hi, not b.hi_closed, x.hi, x.hi_closed))
    return pieces


def covered(x: Interval, others: tuple[Interval, ...]) -> bool:
    if not _nonempty(x.lo, x.lo_closed, x.hi, x.hi_closed):
        return True
    pieces = [x]
    for b in others:
        pieces = [p for piece in pieces for p in subtract(piece, b)]
        if not pieces:
            return True
    return not pieces


def regions_intersect(a: Region | None, b: Region | None) -> bool | None:
    """True / False when decidable, None when either region is unknown."""
    if a is None or b is None:
        return None
    if a.negated and b.negated:
        return True
    if not a.negated and not b.negated:
        return any(intersect(x, y) is not None for x in a.intervals for y in b.intervals)
    positive, negative = (b, a) if a.negated else (a, b)
    return any(not covered(x, negative.intervals) for x in positive.intervals)
