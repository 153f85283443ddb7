"""FEEL tokens. Names are single words here; the parser joins words (and the punctuation the standard
allows inside names, such as ``-`` in ``Date-Time``) into the multi-word names known in scope."""
from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import FeelSyntaxError, FeelTextTooLarge

MAX_TEXT = 10_000      # characters of one FEEL text
MAX_DIGITS = 400       # digits of one number literal

KEYWORDS = frozenset({"true", "false", "null", "and", "or", "if", "then", "else", "for", "in", "return",
                      "some", "every", "satisfies", "between", "function", "external"})

_TOKEN = re.compile(r"""
    (?P<ws>\s+|//[^\n]*|/\*.*?\*/)
  | (?P<number>(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<at>@)
  | (?P<op>\.\.|\*\*|<=|>=|!=|->|[<>=+\-*/()\[\]{},.?:])
  | (?P<name>(?:[^\W\d]|[^\x00-\x7f\s\u00a0-\u00bf\u2000-\u206f\u3000-\u303f\uff00-\uff0f])(?:\w|[^\x00-\x7f\s\u00a0-\u00bf\u2000-\u206f\u3000-\u303f\uff00-\uff0f])*|[_$][\w$]*)
""", re.VERBOSE | re.DOTALL)

_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "r": "\r", "'": "'", "b": "\b", "f": "\f"}


@dataclass(frozen=True, slots=True)
class Token:
    kind: str      # number, string, op, name, keyword, at, end
    text: str
    pos: int
    end: int


def _unescape(body: str, pos: int) -> str:
    out, i = [], 0
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        nxt = body[i + 1]
        if nxt == "u":
            digits = body[i + 2:i + 6]
            if not re.fullmatch(r"[0-9a-fA-F]{4}", digits):
                raise FeelSyntaxError(f"bad \\u escape in string at position {pos + i}", pos + i)
            code = int(digits, 16)
            i += 6
            if 0xD800 <= code < 0xDC00 and body[i:i + 2] == "\\u":
                low = body[i + 2:i + 6]
                if re.fullmatch(r"[0-9a-fA-F]{4}", low) and 0xDC00 <= int(low, 16) < 0xE000:
                    code = 0x10000 + ((code - 0xD800) << 10) + (int(low, 16) - 0xDC00)
                    i += 6
            out.append(chr(code))
        elif nxt == "U":
            digits = body[i + 2:i + 8]
            if not re.fullmatch(r"[0-9a-fA-F]{6}", digits) or int(digits, 16) > 0x10FFFF:
                raise FeelSyntaxError(f"bad \\U escape in string at position {pos + i}", pos + i)
            out.append(chr(int(digits, 16)))
            i += 8
        elif nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
            i += 2
        else:   # not an escape FEEL defines (a pattern's \d): kept as written
            out.append(body[i:i + 2])
            i += 2
    return "".join(out)


def tokenize(text: str) -> list[Token]:
    if len(text) > MAX_TEXT:
        raise FeelTextTooLarge(f"the FEEL text is {len(text)} characters long; at most {MAX_TEXT} are allowed")
    tokens, pos = [], 0
    # dmn-js users sometimes paste typographic quotes; read them as plain quotes
    text = text.replace("\u201c", '"').replace("\u201d", '"')
    n = len(text)
    while pos < n:
        m = _TOKEN.match(text, pos)
        if not m:
            if text[pos] == '"':
                raise FeelSyntaxError(f"a string starting at position {pos} is not closed", pos)
            raise FeelSyntaxError(f"unexpected character {text[pos]!r} at position {pos}", pos)
        kind = m.lastgroup
        value = m.group()
        if kind == "string":
            tokens.append(Token("string", _unescape(value[1:-1], pos + 1), pos, m.end()))
        elif kind == "name":
            tokens.append(Token("keyword" if value in KEYWORDS else "name", value, pos, m.end()))
        elif kind == "number":
            if len(value) > MAX_DIGITS:
                raise FeelTextTooLarge(f"a number at position {pos} has more than {MAX_DIGITS} digits", pos)
            tokens.append(Token("number", value, pos, m.end()))
        elif kind != "ws":
            tokens.append(Token(kind, value, pos, m.end()))
        pos = m.end()
    tokens.append(Token("end", "", n, n))
    return tokens
