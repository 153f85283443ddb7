"""GB/T 2260 locality codes: 340000 (province) contains 3407xx (city) contains 340722 (county)."""
from __future__ import annotations


def subtree_prefix(code: str) -> str:
    """The prefix every code under this one starts with: 340000 → '34', 340700 → '3407'."""
    code = str(code).strip()
    if len(code) != 6 or not code.isdigit():
        raise ValueError(f"not a GB/T 2260 code: {code!r}")
    if code.endswith("0000"):
        return code[:2]
    if code.endswith("00"):
        return code[:4]
    return code


def contains(ancestor: str, code: str | None) -> bool:
    return bool(code) and str(code).startswith(subtree_prefix(ancestor))


def is_locality_code(code) -> bool:
    text = str(code or "").strip()
    return len(text) == 6 and text.isdigit() and text[:2] != "00"
