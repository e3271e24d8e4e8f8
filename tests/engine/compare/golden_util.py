"""Small helpers shared by the golden case modules (unique phones, unit codes, line numbers)."""

from __future__ import annotations

from tests.engine.compare.golden import VILLAGE, City, new_id

from canbao.engine.validate.creditcode import ALPHABET, calc_credit_check_char

_phones = iter(range(1, 10**8))
_units = iter(range(1, 10**6))
_numbers = iter(range(1, 10**6))


def new_phone() -> str:
    """A mobile number never handed out before in this test process."""
    return f"139{next(_phones):08d}"


def new_unit_no() -> str:
    """A social-insurance unit number (AAB001) never handed out before."""
    return f"GU{next(_units):06d}"


def new_aac001() -> str:
    """A business-system person number (AAC001) never handed out before."""
    return f"GP{next(_numbers):06d}"


def new_credit_code(valid: bool = True) -> str:
    """A GB 32100 unified social credit code never handed out before; `valid=False` corrupts the
    check character (the 17 other characters stay a well-formed code)."""
    first17 = f"91320102MA{next(_units):07d}"
    check = calc_credit_check_char(first17)
    if not valid:
        check = next(ch for ch in ALPHABET if ch != check)
    return first17 + check


def last_line(city: City, kind: str) -> int:
    """The CSV physical line of the row just added to `kind` (header is line 1). Rows are only ever
    appended, so this is also the row's line when all cases are merged into one city."""
    return len(city.rows[kind]) + 1


def full_person(
    city: City, birth: str = "19800101", sex: str = "1", village: str = VILLAGE, **extra: str
) -> str:
    """A local-hukou person with every §5 item in the register (AAC010, AAE006); no phone yet."""
    extra.setdefault("AAC010", "320102")
    extra.setdefault("AAE006", "南京市玄武区某路1号")
    return city.person(new_id(birth, sex), village=village, **extra)


def with_phone_row(city: City, number: str, scheme: str = "12", status: str = "1", **extra: str) -> str:
    """An insurance row carrying a fresh phone; returns the phone."""
    phone = new_phone()
    city.insure(number, scheme, status, AAE005=phone, **extra)
    return phone


def split(value: str | None) -> list[str]:
    return [v for v in (value or "").split(";") if v]
