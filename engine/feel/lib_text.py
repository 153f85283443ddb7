"""Conversion, boolean and string functions (DMN 1.5 §10.3.4.1–10.3.4.3). Patterns run on RE2: linear time."""
from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from .errors import FeelBudgetError
from .library import builtin, integer, text
from .values import DEC, MAX_STRING, fit_string, format_value, kind, number

MAX_PATTERN = 1000


# ---------------------------------------------------------------------------- conversion
@builtin("string", "from")
def f_string(v):
    return format_value(v)


_GROUPING = {" ", ",", ".", "'", None}
_DECIMAL = {".", ",", None}


@builtin("number", "from, grouping separator?, decimal separator?")
def f_number(s, grouping=None, decimal_sep=None):
    s = text(s, "from")
    if grouping not in _GROUPING or decimal_sep not in _DECIMAL or (grouping is not None and grouping == decimal_sep):
        raise ValueError("bad separators")
    if grouping is not None:
        s = s.replace(grouping, "")
    if decimal_sep is not None and decimal_sep != ".":
        s = s.replace(decimal_sep, ".")
    s = s.strip()
    if len(s) > 400 or not s or s[-1] in "eE":
        raise ValueError("not a number")
    try:
        d = DEC.create_decimal(s)
    except (InvalidOperation, ValueError):
        raise ValueError(f"{s!r} is not a number") from None
    if not d.is_finite():
        raise ValueError("not a number")
    return d


# ---------------------------------------------------------------------------- boolean
@builtin("not", "negand")
def f_not(b):
    if b is True or b is False:
        return not b
    return None


@builtin("is defined", "value")
def f_is_defined(v):   # the compiler answers is defined(name) itself; a plain value is defined
    return True


# ---------------------------------------------------------------------------- strings
@builtin("substring", "string, start position, length?")
def f_substring(s, start, length=None):
    s = text(s, "string")
    i = int(number(start))
    n = len(s)
    if i == 0:
        raise ValueError("start position 0 is not a position")
    begin = i - 1 if i > 0 else max(n + i, 0)
    if length is None:
        return s[begin:]
    k = int(number(length))
    if k < 0:
        raise ValueError("length must not be negative")
    return s[begin:begin + k]


@builtin("string length", "string")
def f_string_length(s):
    return Decimal(len(text(s, "string")))


@builtin("upper case", "string")
def f_upper(s):
    return text(s, "string").upper()


@builtin("lower case", "string")
def f_lower(s):
    return text(s, "string").lower()


@builtin("substring before", "string, match")
def f_before(s, m):
    s, m = text(s, "string"), text(m, "match")
    i = s.find(m)
    return "" if i < 0 else s[:i]


@builtin("substring after", "string, match")
def f_after(s, m):
    s, m = text(s, "string"), text(m, "match")
    i = s.find(m)
    return "" if i < 0 else s[i + len(m):]


@builtin("contains", "string, match")
def f_contains(s, m):
    return text(m, "match") in text(s, "string")


@builtin("starts with", "string, match")
def f_starts(s, m):
    return text(s, "string").startswith(text(m, "match"))


@builtin("ends with", "string, match")
def f_ends(s, m):
    return text(s, "string").endswith(text(m, "match"))


def regex(pattern, flags=None):
    """A compiled RE2 pattern from an XPath pattern and flags (s, m, i, x, q)."""
    import re2
    pattern = text(pattern, "pattern")
    if len(pattern) > MAX_PATTERN:
        raise FeelBudgetError(f"a pattern is longer than {MAX_PATTERN} characters")
    flags = "" if flags is None else text(flags, "flags")
    if set(flags) - set("smixq"):
        raise ValueError(f"unknown flags {flags!r}")
    if "q" in flags:
        pattern = "".join("\\" + c if not c.isalnum() and c != " " else c for c in pattern)
    else:
        if "x" in flags:
            pattern = _strip_whitespace(pattern)
        if "s" not in flags:
            pattern = _dot_excludes_cr(pattern)
    if re.search(r"(?<!\\)(?:\\\\)*\\0", pattern):
        raise ValueError("\\0 is not a valid escape in a pattern")
    pattern = _BLOCK.sub(_block, pattern)
    pattern = _SUBTRACTION.sub(_subtract, pattern)
    inline = "".join(f for f in "smi" if f in flags)
    if inline:
        pattern = f"(?{inline})" + pattern
    try:
        options = re2.Options()
        options.max_mem = 8 << 20
        options.log_errors = False
        return re2.compile(pattern, options)
    except re2.error as exc:
        raise ValueError(f"not a valid pattern: {exc}") from None
    except TypeError:
        try:
            return re2.compile(pattern)
        except re2.error as exc:
            raise ValueError(f"not a valid pattern: {exc}") from None


# XML Schema's Unicode block escapes (\p{IsBasicLatin}) that RE2 lacks, as code-point ranges
_BLOCKS = {
    "BasicLatin": (0x0000, 0x007F), "Latin-1Supplement": (0x0080, 0x00FF), "LatinExtended-A": (0x0100, 0x017F),
    "GeneralPunctuation": (0x2000, 0x206F), "CJKSymbolsandPunctuation": (0x3000, 0x303F),
    "Hiragana": (0x3040, 0x309F), "Katakana": (0x30A0, 0x30FF), "CJKUnifiedIdeographsExtensionA": (0x3400, 0x4DBF),
    "CJKUnifiedIdeographs": (0x4E00, 0x9FFF), "HangulSyllables": (0xAC00, 0xD7AF),
    "CJKCompatibilityIdeographs": (0xF900, 0xFAFF), "HalfwidthandFullwidthForms": (0xFF00, 0xFFEF),
    "Greek": (0x0370, 0x03FF), "Cyrillic": (0x0400, 0x04FF),
}
_BLOCK = re.compile(r"\\([pP])\{Is([A-Za-z0-9\-]+)\}")


def _block(m) -> str:
    span = _BLOCKS.get(m.group(2))
    if span is None:
        raise ValueError(f"unknown block {m.group(2)!r}")
    body = f"\\x{{{span[0]:04X}}}-\\x{{{span[1]:04X}}}"
    return f"[{'^' if m.group(1) == 'P' else ''}{body}]"


# XML Schema's class subtraction [A-Z-[OI]], which RE2 lacks: spelled out when both sides are plain
_SUBTRACTION = re.compile(r"\[((?:[^\[\]\\]|\\.)+)-\[((?:[^\[\]\\]|\\.)+)\]\]")


def _chars(body: str) -> set[str] | None:
    out: set[str] = set()
    i = 0
    while i < len(body):
        c = body[i]
        if c == "\\":
            if i + 1 >= len(body) or body[i + 1].isalnum():
                return None           # \d, \w …: not spelled out
            c = body[i + 1]
            i += 1
        if i + 2 < len(body) and body[i + 1] == "-":
            hi = body[i + 2]
            if ord(hi) < ord(c) or ord(hi) - ord(c) > 5000:
                return None
            out.update(chr(x) for x in range(ord(c), ord(hi) + 1))
            i += 3
            continue
        out.add(c)
        i += 1
    return out


def _subtract(m) -> str:
    negate = m.group(1).startswith("^")
    base, minus = _chars(m.group(1)[1:] if negate else m.group(1)), _chars(m.group(2))
    if base is None or minus is None:
        return m.group(0)
    kept = "".join("\\" + c if not c.isalnum() else c for c in sorted(base - minus))
    return f"[{'^' if negate else ''}{kept}]" if kept else "[^\\x{0}-\\x{10FFFF}]"


def _dot_excludes_cr(p: str) -> str:
    """XPath's ``.`` matches neither newline nor carriage return (RE2's only excludes newline)."""
    out, in_class, i = [], False, 0
    while i < len(p):
        c = p[i]
        if c == "\\" and i + 1 < len(p):
            out.append(p[i:i + 2])
            i += 2
            continue
        if c == "[":
            in_class = True
        elif c == "]":
            in_class = False
        out.append("[^\\n\\r]" if c == "." and not in_class else c)
        i += 1
    return "".join(out)


def _strip_whitespace(p: str) -> str:
    out, in_class = [], False
    i = 0
    while i < len(p):
        c = p[i]
        if c == "[":
            in_class = True
        elif c == "]":
            in_class = False
        if not (c.isspace() and not in_class):
            out.append(c)
        i += 1
    return "".join(out)


@builtin("matches", "input, pattern, flags?")
def f_matches(s, pattern, flags=None):
    s = text(s, "input")
    return regex(pattern, flags).search(s) is not None


def _replacement(rep: str):
    parts, i = [], 0
    buf = []
    while i < len(rep):
        c = rep[i]
        if c == "\\":
            if i + 1 < len(rep) and rep[i + 1] in "\\$":
                buf.append(rep[i + 1])
                i += 2
                continue
            raise ValueError("a backslash in a replacement must escape \\ or $")
        if c == "$":
            j = i + 1
            while j < len(rep) and rep[j].isdigit():
                j += 1
            if j == i + 1:
                raise ValueError("$ in a replacement must be followed by a group number")
            if buf:
                parts.append("".join(buf))
                buf = []
            parts.append(int(rep[i + 1:j]))
            i = j
            continue
        buf.append(c)
        i += 1
    if buf:
        parts.append("".join(buf))
    return parts


@builtin("replace", "input, pattern, replacement, flags?")
def f_replace(s, pattern, replacement, flags=None):
    s = text(s, "input")
    rx = regex(pattern, flags)
    parts = _replacement(text(replacement, "replacement"))

    produced = [0]

    def sub(m):
        out = []
        for p in parts:
            if isinstance(p, int):
                try:
                    out.append(m.group(p) or "")
                except (IndexError, Exception):  # noqa: BLE001 - a group the pattern lacks reads as ""
                    out.append("")
            else:
                out.append(p)
        piece = "".join(out)
        produced[0] += len(piece)
        if produced[0] > MAX_STRING:
            raise FeelBudgetError(f"a string would be longer than {MAX_STRING} characters")
        return piece
    return fit_string(rx.sub(sub, s))


@builtin("split", "string, delimiter")
def f_split(s, delimiter):
    s = text(s, "string")
    rx = regex(delimiter)
    return rx.split(s)


@builtin("string join", "list, delimiter?")
def f_string_join(items, delimiter=None):
    if items is None:
        raise TypeError("string join needs a list")
    if items.__class__ is not list:
        items = [items]
    parts = []
    for x in items:
        if x is None:
            continue
        if x.__class__ is not str:
            raise TypeError("string join needs a list of strings")
        parts.append(x)
    d = "" if delimiter is None else text(delimiter, "delimiter")
    if sum(len(p) for p in parts) + len(d) * max(len(parts) - 1, 0) > MAX_STRING:
        raise FeelBudgetError(f"a string would be longer than {MAX_STRING} characters")
    return d.join(parts)


_kind = kind
_number = number
