"""Range functions (DMN 1.5 §10.3.4.9): before, after, meets, overlaps, includes, during, coincides …

Each takes points or ranges; an unbounded end (``< 10``) is below/above every point."""
from __future__ import annotations

from .library import builtin
from .values import UNBOUNDED, Range, compare

_LOW, _HIGH = object(), object()


def _cmp(a, b) -> int:
    if a is _LOW or b is _HIGH:
        return 0 if a is b else -1
    if a is _HIGH or b is _LOW:
        return 0 if a is b else 1
    c = compare(a, b)
    if c is None:
        raise TypeError("the points cannot be compared")
    return c


def _r(x) -> Range:
    if x.__class__ is not Range:
        raise TypeError("a range is needed")
    return x


def _s(r: Range):
    if r.start is None:
        raise TypeError("the range starts at null")
    return _LOW if r.start is UNBOUNDED else r.start


def _e(r: Range):
    if r.end is None:
        raise TypeError("the range ends at null")
    return _HIGH if r.end is UNBOUNDED else r.end


def _point(x):
    if x is None or x.__class__ is Range:
        raise TypeError("a point is needed")
    return x


def _before(a, b) -> bool:
    if a.__class__ is not Range and b.__class__ is not Range:
        return _cmp(_point(a), _point(b)) < 0
    if a.__class__ is not Range:
        c = _cmp(_point(a), _s(b))
        return c < 0 or (c == 0 and not b.start_included)
    if b.__class__ is not Range:
        c = _cmp(_e(a), _point(b))
        return c < 0 or (c == 0 and not a.end_included)
    c = _cmp(_e(a), _s(b))
    return c < 0 or (c == 0 and (not a.end_included or not b.start_included))


@builtin("before", "point1, point2")
def f_before(a, b):
    return _before(a, b)


@builtin("before", "point, range")
def f_before_pr(a, b):
    return _before(a, b)


@builtin("before", "range, point")
def f_before_rp(a, b):
    return _before(a, b)


@builtin("before", "range1, range2")
def f_before_rr(a, b):
    return _before(a, b)


@builtin("after", "point1, point2")
def f_after(a, b):
    return _before(b, a)


@builtin("after", "point, range")
def f_after_pr(a, b):
    return _before(b, a)


@builtin("after", "range, point")
def f_after_rp(a, b):
    return _before(b, a)


@builtin("after", "range1, range2")
def f_after_rr(a, b):
    return _before(b, a)


def _meets(a, b):
    a, b = _r(a), _r(b)
    return a.end_included and b.start_included and _cmp(_e(a), _s(b)) == 0


@builtin("meets", "range1, range2")
def f_meets(a, b):
    return _meets(a, b)


@builtin("met by", "range1, range2")
def f_met_by(a, b):
    return _meets(b, a)


@builtin("overlaps", "range1, range2")
def f_overlaps(a, b):
    a, b = _r(a), _r(b)
    c1 = _cmp(_e(a), _s(b))
    c2 = _cmp(_s(a), _e(b))
    return (c1 > 0 or (c1 == 0 and a.end_included and b.start_included)) and \
        (c2 < 0 or (c2 == 0 and a.start_included and b.end_included))


def _overlaps_before(a, b):
    a, b = _r(a), _r(b)
    c1 = _cmp(_s(a), _s(b))
    c2 = _cmp(_e(a), _s(b))
    c3 = _cmp(_e(a), _e(b))
    return (c1 < 0 or (c1 == 0 and a.start_included and not b.start_included)) and \
        (c2 > 0 or (c2 == 0 and a.end_included and b.start_included)) and \
        (c3 < 0 or (c3 == 0 and (not a.end_included or b.end_included)))


@builtin("overlaps before", "range1, range2")
def f_overlaps_before(a, b):
    return _overlaps_before(a, b)


@builtin("overlaps after", "range1, range2")
def f_overlaps_after(a, b):
    return _overlaps_before(b, a)


def _finishes(a, b):
    b = _r(b)
    if a.__class__ is not Range:
        return b.end_included and _cmp(_point(a), _e(b)) == 0
    c = _cmp(_s(a), _s(b))
    return a.end_included == b.end_included and _cmp(_e(a), _e(b)) == 0 and \
        (c > 0 or (c == 0 and (not a.start_included or b.start_included)))


@builtin("finishes", "point, range")
def f_finishes_p(a, b):
    return _finishes(a, b)


@builtin("finishes", "range1, range2")
def f_finishes(a, b):
    return _finishes(a, b)


@builtin("finished by", "range, point")
def f_finished_by_p(a, b):
    return _finishes(b, a)


@builtin("finished by", "range1, range2")
def f_finished_by(a, b):
    return _finishes(b, a)


def _includes(a, b):
    a = _r(a)
    if b.__class__ is not Range:
        b = _point(b)
        c1, c2 = _cmp(_s(a), b), _cmp(b, _e(a))
        return (c1 < 0 or (c1 == 0 and a.start_included)) and (c2 < 0 or (c2 == 0 and a.end_included))
    c1 = _cmp(_s(a), _s(b))
    c2 = _cmp(_e(a), _e(b))
    return (c1 < 0 or (c1 == 0 and (a.start_included or not b.start_included))) and \
        (c2 > 0 or (c2 == 0 and (a.end_included or not b.end_included)))


@builtin("includes", "range, point")
def f_includes_p(a, b):
    return _includes(a, b)


@builtin("includes", "range1, range2")
def f_includes(a, b):
    return _includes(a, b)


@builtin("during", "point, range")
def f_during_p(a, b):
    return _includes(b, a)


@builtin("during", "range1, range2")
def f_during(a, b):
    return _includes(b, a)


def _starts(a, b):
    b = _r(b)
    if a.__class__ is not Range:
        return b.start_included and _cmp(_point(a), _s(b)) == 0
    c = _cmp(_e(a), _e(b))
    return _cmp(_s(a), _s(b)) == 0 and a.start_included == b.start_included and \
        (c < 0 or (c == 0 and (not a.end_included or b.end_included)))


@builtin("starts", "point, range")
def f_starts_p(a, b):
    return _starts(a, b)


@builtin("starts", "range1, range2")
def f_starts(a, b):
    return _starts(a, b)


@builtin("started by", "range, point")
def f_started_by_p(a, b):
    return _starts(b, a)


@builtin("started by", "range1, range2")
def f_started_by(a, b):
    return _starts(b, a)


@builtin("coincides", "point1, point2")
def f_coincides_p(a, b):
    if a.__class__ is Range or b.__class__ is Range:
        return f_coincides(a, b)
    return _cmp(_point(a), _point(b)) == 0


@builtin("coincides", "range1, range2")
def f_coincides(a, b):
    a, b = _r(a), _r(b)
    return _cmp(_s(a), _s(b)) == 0 and _cmp(_e(a), _e(b)) == 0 and \
        a.start_included == b.start_included and a.end_included == b.end_included
