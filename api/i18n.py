"""The language of what a person reads: zh-CN unless the request asks for English (``Accept-Language: en``).

Server messages are written Chinese first with the English after them — ``中文 (English)`` or ``中文; English`` —
so one text serves both: a request gets the Chinese part, or the English part when it prefers English
(``Accept-Language: en``). A request that names no language gets Chinese. Labels default to Chinese.
"""
from __future__ import annotations

import re

from flask import has_request_context, request

LANGUAGES = ("zh", "en")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_PAREN = re.compile(r"^(?P<zh>.*?[\u4e00-\u9fff][^()（）]*?)\s*[(（](?P<en>[^\u4e00-\u9fff]+)[)）]\s*$", re.S)


def lang() -> str:
    """``en`` when the request prefers English over Chinese, otherwise ``zh``."""
    if not has_request_context():
        return "zh"
    best = request.accept_languages.best_match(["zh-CN", "zh", "en"], default="zh")
    return "en" if best and best.lower().startswith("en") else "zh"


def message_language() -> str | None:
    """``zh``, or ``en`` when the request prefers English; None outside a request (the CLI: both, Chinese first)."""
    if not has_request_context():
        return None
    return lang()


def chinese_part(text: str) -> str | None:
    """The Chinese of a bilingual text, or None when it has none or is Chinese only."""
    text = str(text)
    if not _CJK.search(text):
        return None
    m = _PAREN.match(text)
    if m:
        return m.group("zh").strip()
    for mark in ("; ", "："):
        head, sep, tail = text.partition(mark)
        if sep and _CJK.search(head) and tail and not _CJK.search(tail):
            return head.strip()
    return None


def english_part(text: str) -> str | None:
    """The English of a bilingual text, or None when it has none."""
    text = str(text)
    if not _CJK.search(text):
        return text
    m = _PAREN.match(text)
    if m:
        return m.group("en").strip()
    for mark in ("; ", "："):   # 中文; English — or 中文：English
        head, sep, tail = text.partition(mark)
        if sep and _CJK.search(head) and tail and not _CJK.search(tail):
            return tail.strip()
    return None


def localise(text, language: str | None = None):
    """A bilingual message for the request: its Chinese part, or its English part when the request prefers English;
    outside a request (and whenever the text has no such part) the whole text."""
    if not isinstance(text, str):
        return text
    language = language or message_language()
    if language == "en":
        return english_part(text) or text
    if language == "zh":
        return chinese_part(text) or text
    return text


def pick(labels: dict, key: str, language: str | None = None) -> str:
    """A label from a settings block ``{zh: {...}, en: {...}}``; the key itself when no label is set."""
    language = language or lang()
    return ((labels.get(language) or {}).get(key) or (labels.get("zh") or {}).get(key) or key)
