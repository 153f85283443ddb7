"""List and context functions (DMN 1.5 §10.3.4.4, 10.3.4.10-11), sort with a precedes function."""
from __future__ import annotations

import functools
from decimal import Decimal

from .errors import FeelBudgetError
from .library import as_list, builtin, integer, spread, text
from .values import DEC, FeelFunction, compare, equal, fit_list, kind, number


def _contains(items, x) -> bool:
    return any(equal(i, x) is True for i in items)


@builtin("list contains", "list, element")
def f_list_contains(items, x):
    return _contains(as_list(items), x)


@builtin("count", "list")
def f_count(items):
    return Decimal(len(as_list(items)))


def _extreme(args, want):
    items = spread(args)
    if not items:
        return None
    best = items[0]
    for x in items[1:]:
        c = compare(x, best)
        if c is None:
            raise TypeError("the items cannot be compared")
        if c == want:
            best = x
    if len(items) == 1 and compare(best, best) is None:
        raise TypeError("the item cannot be compared")
    return best


@builtin("min", "list...")
def f_min(*args):
    return _extreme(args, -1)


@builtin("max", "list...")
def f_max(*args):
    return _extreme(args, 1)


def _numbers(args) -> list[Decimal]:
    return [number(x) for x in spread(args)]


@builtin("sum", "list...")
def f_sum(*args):
    items = _numbers(args)
    if not items:
        return None
    total = Decimal(0)
    for x in items:
        total = DEC.add(total, x)
    return total


@builtin("mean", "list...")
def f_mean(*args):
    items = _numbers(args)
    if not items:
        return None
    return DEC.divide(f_sum(items), Decimal(len(items)))


@builtin("product", "list...")
def f_product(*args):
    items = _numbers(args)
    if not items:
        return None
    total = Decimal(1)
    for x in items:
        total = DEC.multiply(total, x)
    return total


@builtin("median", "list...")
def f_median(*args):
    items = sorted(_numbers(args))
    if not items:
        return None
    n = len(items)
    if n % 2:
        return items[n // 2]
    return DEC.divide(DEC.add(items[n // 2 - 1], items[n // 2]), Decimal(2))


@builtin("stddev", "list...")
def f_stddev(*args):
    items = _numbers(args)
    n = len(items)
    if n < 2:
        return None
    mean = DEC.divide(f_sum(items), Decimal(n))
    sq = Decimal(0)
    for x in items:
        d = DEC.subtract(x, mean)
        sq = DEC.add(sq, DEC.multiply(d, d))
    return DEC.sqrt(DEC.divide(sq, Decimal(n - 1)))


@builtin("mode", "list...")
def f_mode(*args):
    items = _numbers(args)
    if not items:
        return []
    counts: dict[Decimal, int] = {}
    for x in items:
        counts[x] = counts.get(x, 0) + 1
    top = max(counts.values())
    return sorted(x for x, c in counts.items() if c == top)


def _all(args):
    items = spread(args)
    result = True
    for x in items:
        if x is False:
            return False
        if x is not True:
            result = None
    return result


def _any(args):
    items = spread(args)
    result = False
    for x in items:
        if x is True:
            return True
        if x is not False:
            result = None
    return result


@builtin("all", "list...")
def f_all(*args):
    if len(args) == 1 and args[0].__class__ is not list and args[0] is not None:
        if args[0] is not True and args[0] is not False:
            return None
    return _all(args)


@builtin("any", "list...")
def f_any(*args):
    if len(args) == 1 and args[0].__class__ is not list and args[0] is not None:
        if args[0] is not True and args[0] is not False:
            return None
    return _any(args)


@builtin("and", "list...")
def f_and(*args):
    return f_all(*args)


@builtin("or", "list...")
def f_or(*args):
    return f_any(*args)


def _position(items, p) -> int:
    i = integer(p)
    n = len(items)
    if i == 0 or abs(i) > n:
        raise IndexError(f"position {i} is outside the list of {n}")
    return i - 1 if i > 0 else n + i


@builtin("sublist", "list, start position, length?")
def f_sublist(items, start, length=None):
    items = as_list(items)
    b = _position(items, start)
    if length is None:
        return items[b:]
    k = integer(length, "length")
    if k < 0 or b + k > len(items):
        raise IndexError("length goes past the end of the list")
    return items[b:b + k]


@builtin("append", "list, item...")
def f_append(items, *more):
    return fit_list(as_list(items) + list(more))


@builtin("concatenate", "list...")
def f_concatenate(*lists):
    out = []
    for x in lists:
        if x.__class__ is not list:
            raise TypeError("concatenate needs lists")
        out.extend(x)
        fit_list(out)
    return out


@builtin("insert before", "list, position, newItem")
def f_insert_before(items, position, new):
    items = list(as_list(items))
    i = _position(items, position)
    items.insert(i, new)
    return items


@builtin("remove", "list, position")
def f_remove(items, position):
    items = list(as_list(items))
    del items[_position(items, position)]
    return items


@builtin("reverse", "list")
def f_reverse(items):
    return list(reversed(as_list(items)))


@builtin("index of", "list, match")
def f_index_of(items, match):
    return [Decimal(i + 1) for i, x in enumerate(as_list(items)) if equal(x, match) is True]


@builtin("union", "list...")
def f_union(*lists):
    out: list = []
    for x in lists:
        for item in as_list(x):
            if not _contains(out, item):
                out.append(item)
        fit_list(out)
    return out


@builtin("distinct values", "list")
def f_distinct(items):
    out: list = []
    for item in as_list(items):
        if not _contains(out, item):
            out.append(item)
    return out


@builtin("flatten", "list")
def f_flatten(items):
    out: list = []

    def walk(x, depth):
        if depth > 50:
            raise FeelBudgetError("a list is nested more than 50 deep")
        for i in x:
            if i.__class__ is list:
                walk(i, depth + 1)
            else:
                out.append(i)
        fit_list(out)
    walk(as_list(items), 0)
    return out


@builtin("list replace", "list, position, newItem", needs_state=True)
def f_list_replace(state, items, position, new):
    items = list(as_list(items))
    if position.__class__ is FeelFunction:
        return [new if position.call([x, new], None, state) is True else x for x in items]
    items[_position(items, position)] = new
    return items


@builtin("sort", "list, precedes?", needs_state=True)
def f_sort(state, items, precedes=None):
    items = as_list(items)
    if precedes is None:
        for x in items:
            if compare(x, items[0]) is None:
                raise TypeError("the items cannot be compared")
        return sorted(items, key=functools.cmp_to_key(lambda a, b: compare(a, b)))
    if precedes.__class__ is not FeelFunction:
        raise TypeError("precedes must be a function")
    state.step(len(items) * max(1, len(items).bit_length()))

    def cmp(a, b):
        if precedes.call([a, b], None, state) is True:
            return -1
        if precedes.call([b, a], None, state) is True:
            return 1
        return 0
    return sorted(items, key=functools.cmp_to_key(cmp))


# ---------------------------------------------------------------------------- contexts
@builtin("get value", "m, key")
def f_get_value(m, key):
    if m.__class__ is not dict:
        raise TypeError("get value needs a context")
    return m.get(text(key, "key"))


@builtin("get entries", "m")
def f_get_entries(m):
    if m.__class__ is not dict:
        raise TypeError("get entries needs a context")
    return [{"key": k, "value": v} for k, v in m.items()]


@builtin("context put", "context, keys, value")
def f_context_put_path(ctx, key, value):
    if ctx.__class__ is not dict:
        raise TypeError("context put needs a context")
    if key.__class__ is not list:
        return f_context_put(ctx, key, value)
    if key.__class__ is list:
        if not key:
            raise ValueError("keys must not be empty")
        first = text(key[0], "key")
        if len(key) == 1:
            return f_context_put(ctx, first, value)
        inner = ctx.get(first)
        if inner.__class__ is not dict:
            raise TypeError("the path does not lead to a context")
        return f_context_put(ctx, first, f_context_put_path(inner, key[1:], value))


@builtin("context put", "context, key, value")
def f_context_put(ctx, key, value):
    if ctx.__class__ is not dict:
        raise TypeError("context put needs a context")
    out = dict(ctx)
    out[text(key, "key")] = value
    return out


@builtin("context merge", "contexts")
def f_context_merge(contexts):
    out: dict = {}
    for c in as_list(contexts):
        if c.__class__ is not dict:
            raise TypeError("context merge needs contexts")
        out.update(c)
    return out


@builtin("context", "entries")
def f_context(entries):
    out: dict = {}
    for e in as_list(entries):
        if e.__class__ is not dict or "key" not in e or "value" not in e:
            raise TypeError("an entry needs a key and a value")
        k = text(e["key"], "key")
        if k in out:
            raise ValueError(f"duplicate key {k!r}")
        out[k] = e["value"]
    return out


_kind = kind
