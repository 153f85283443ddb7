"""Personal information: GB 11643 citizen ID numbers and the masks used in every log line."""
from __future__ import annotations

import re
from datetime import date

_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
_CHECK_CHARS = "10X98765432"
_ID_PATTERN = re.compile(r"^\d{17}[\dX]$")
_PHONE_PATTERN = re.compile(r"^1[3-9]\d{9}$")


class InvalidIdNumber(ValueError):
    """The text is not a valid 18-character citizen ID number."""


def check_digit(first17: str) -> str:
    """ISO 7064 MOD 11-2 check character of the first 17 digits."""
    total = sum(int(ch) * w for ch, w in zip(first17, _WEIGHTS))
    return _CHECK_CHARS[total % 11]


def normalise_id(id_number: str) -> str:
    return (id_number or "").strip().upper()


def id_number_problem(id_number: str) -> str | None:
    """Why the number is invalid, or None when it is valid."""
    value = normalise_id(id_number)
    if not _ID_PATTERN.match(value):
        return "须为17位数字加1位数字或X (must be 17 digits followed by a digit or X)"
    if value[:2] == "00" or value[2:6] == "0000":
        return "前6位不是有效的行政区划代码 (area code is not a GB/T 2260 code)"
    try:
        born = _birth_date(value)
    except ValueError:
        return "第7至14位不是有效的出生日期 (birth date part is not a date)"
    if born.year < 1900:
        return "出生日期早于1900年 (birth date part is before 1900)"
    if check_digit(value[:17]) != value[17]:
        return "校验码不符，请核对号码 (check digit does not match)"
    return None


def is_valid_id(id_number: str) -> bool:
    return id_number_problem(id_number) is None


def validate_id(id_number: str) -> str:
    """The normalised number, or InvalidIdNumber with the reason."""
    problem = id_number_problem(id_number)
    if problem:
        raise InvalidIdNumber(f"{mask_id(id_number)}: {problem}")
    return normalise_id(id_number)


def _birth_date(value: str) -> date:
    return date(int(value[6:10]), int(value[10:12]), int(value[12:14]))


def birth_date_from_id(id_number: str) -> date:
    return _birth_date(validate_id(id_number))


def sex_from_id(id_number: str) -> str:
    """'male' when the 17th digit (sequence code) is odd, else 'female'."""
    return "male" if int(validate_id(id_number)[16]) % 2 else "female"


def area_code_from_id(id_number: str) -> str:
    return validate_id(id_number)[:6]


def make_id_number(area_code: str, born: date, sequence: int) -> str:
    """A valid number for synthetic data: area code, birth date, 3-digit sequence, check digit."""
    first17 = f"{area_code}{born:%Y%m%d}{sequence % 1000:03d}"
    return first17 + check_digit(first17)


def is_valid_phone(phone: str | None) -> bool:
    """Mainland mobile number: 11 digits starting 13-19."""
    return bool(phone) and bool(_PHONE_PATTERN.match(phone.strip()))


def mask_id(id_number: str | None) -> str:
    """Keep the area code and the last four: 340722********1234."""
    value = (id_number or "").strip()
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_name(name: str | None) -> str:
    """Keep the surname: 张*, 欧阳** (two-character surnames kept when the name has four or more)."""
    value = (name or "").strip()
    if len(value) <= 1:
        return value
    keep = 2 if len(value) >= 4 or value[:2] in _COMPOUND_SURNAMES else 1
    keep = min(keep, len(value) - 1)
    return value[:keep] + "*" * (len(value) - keep)


def mask_phone(phone: str | None) -> str:
    """138****1234."""
    value = (phone or "").strip()
    if len(value) < 8:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_card(card: str | None) -> str:
    """Only the last four digits: ************1234."""
    value = (card or "").strip()
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]


PERSONAL_MASKS = {"id_number": mask_id, "name": mask_name, "phone": mask_phone, "bank_card": mask_card,
                  "applicant_name": mask_name, "spouse_name": mask_name}


_MASKS_BY_ENDING = (("card", mask_card), ("phone", mask_phone), ("id_number", mask_id))


def mask_for(key: str):
    """The mask of a personal field, by its name: the listed names, and any ``…card``, ``…phone`` or ``…id_number``
    (``requested_card``, ``corrected_phone``, ``spouse_id_number``) — a new variable is masked without a code change."""
    if key in PERSONAL_MASKS:
        return PERSONAL_MASKS[key]
    return next((mask for ending, mask in _MASKS_BY_ENDING if key.endswith(ending)), None)


def masked(data: dict | None) -> dict:
    """A copy of ``data`` with personal fields masked at any depth (lists, summaries, the outbox as listed)."""
    out = {}
    for key, value in (data or {}).items():
        mask = mask_for(key)
        if mask is not None and isinstance(value, str):
            out[key] = mask(value)
        elif isinstance(value, dict):
            out[key] = masked(value)
        elif isinstance(value, list):
            out[key] = [masked(v) if isinstance(v, dict) else v for v in value]
        else:
            out[key] = value
    return out


_COMPOUND_SURNAMES = {
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒",
    "夏侯", "轩辕", "令狐", "端木", "西门", "南宫", "独孤", "澹台",
}
