"""Tokenizer for the FEEL subset used in decision tables."""
from __future__ import annotations

import re
from dataclasses import dataclass

KEYWORDS = frozenset({"true", "false", "null", "not", "and", "or", "if", "then", "else"})

_TOKEN = re.compile(r"""
    (?P<ws>\s+)
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<string>"(?:[^"\\]|\\.)*")
  | (?P<op>\.\.|<=|>=|!=|==|[<>=+\-*/()\[\],.?])
  | (?P<name>[^\W\d]\w*)
""", re.VERBOSE)

_ESCAPES = {'"': '"', "\\": "\\", "n": "\n", "t": "\t", "r": "\r", "'": "'"}


class FeelSyntaxError(ValueError):
    """A FEEL text that cannot be parsed; .position is the character offset."""

    def __init__(self, message: str, position: int | None = None):
        super().__init__(message)
        self.position = position


@dataclass(frozen=True, slots=True)
class Token:
    kind: str      # number, string, op, name, keyword, end
    text: str
    pos: int


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
            out.append(chr(int(body[i + 2:i + 6], 16)))
            i += 6
        elif nxt in _ESCAPES:
            out.append(_ESCAPES[nxt])
            i += 2
        else:
            raise FeelSyntaxError(f"unknown escape \\{nxt} in string", pos + i)
    return "".join(out)


def tokenize(text: str) -> list[Token]:
    tokens, pos = [], 0
    # dmn-js users sometimes paste typographic quotes; accept them as plain quotes
    text = text.replace("\u201c", '"').replace("\u201d", '"')
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m:
            if text[pos] == '"':
                raise FeelSyntaxError("unterminated string", pos)
            raise FeelSyntaxError(f"unexpected character {text[pos]!r}", pos)
        kind = m.lastgroup
        value = m.group()
        if kind == "string":
            tokens.append(Token("string", _unescape(value[1:-1], pos + 1), pos))
        elif kind == "name":
            tokens.append(Token("keyword" if value in KEYWORDS else "name", value, pos))
        elif kind != "ws":
            tokens.append(Token(kind, "=" if value == "==" else value, pos))
        pos = m.end()
    tokens.append(Token("end", "", pos))
    return tokens
