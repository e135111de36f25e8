"""Norwegian identity numbers: fødselsnummer (with D-, H- and synthetic variants),
organisasjonsnummer and KID. Pure functions; no I/O.

Fødselsnummer rules (Skatteetaten): DDMMYY + three individual digits + two check digits.
K1 uses weights 3,7,6,1,8,9,4,5,2; K2 uses 5,4,3,2,7,6,5,4,3,2. Until 2032 the weighted sum
including K1 must be divisible by 11; from 2032 it may leave the remainder 0, 1, 2 or 3. Under the
2032 rules the individual number no longer tells the century (nor the gender): the birth date must
then exist in a century a living person can be born in, and the full date comes from
Folkeregisteret; the date here is the latest such date that is not in the future.
D-numbers add 40 to the day, H-numbers (NAV/health synthetic) add 40 to the month, and
Skatteetaten's Tenor test numbers add 80 to the month.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from saksrobot.errors import BusinessError
from saksrobot.privacy import FNR_RUN, MASK

_K1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_K2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
_ORGNR = (3, 2, 7, 6, 5, 4, 3, 2)


class IdKind(StrEnum):
    FNR = "fødselsnummer"
    DNR = "D-nummer"
    HNR = "H-nummer"
    SYNTHETIC = "syntetisk fødselsnummer"


class InvalidIdentityNumber(BusinessError):
    """An fnr, D-number or orgnr that fails its checks. The message never holds the number."""

    code = "invalid_id"


@dataclass(frozen=True)
class PersonalId:
    """A validated fødselsnummer or D-number. ``str()`` and ``repr()`` are masked."""

    value: str
    kind: IdKind
    birth_date: date
    check_rule: int  # 1964 or 2032

    def __str__(self) -> str:
        return MASK

    __repr__ = __str__


def _digits(value: str, length: int) -> list[int] | None:
    value = re.sub(r"[\s.-]", "", str(value))
    if len(value) != length or not value.isdigit():
        return None
    return [int(c) for c in value]


def _century(year2: int, individual: int) -> int | None:
    if individual <= 499:
        return 1900
    if individual <= 749 and year2 >= 54:
        return 1800
    if individual >= 500 and year2 <= 39:
        return 2000
    if individual >= 900 and year2 >= 40:
        return 1900
    return None


def parse_fnr(value: str, *, allow_synthetic: bool = True, allow_h_number: bool = False) -> PersonalId:
    """Validate a fødselsnummer or D-number and return it, or raise :class:`InvalidIdentityNumber`.

    ``allow_synthetic`` accepts Tenor test numbers (month + 80); ``allow_h_number`` accepts
    H-numbers (month + 40). The error message names what is wrong, never the number.
    """
    d = _digits(value, 11)
    if d is None:
        raise InvalidIdentityNumber("Ugyldig fødselsnummer: må være 11 siffer")
    r1 = sum(w * x for w, x in zip(_K1, d[:9], strict=True)) + d[9]
    r2 = sum(w * x for w, x in zip(_K2, d[:10], strict=True)) + d[10]
    if r2 % 11 != 0 or r1 % 11 not in (0, 1, 2, 3):
        raise InvalidIdentityNumber("Ugyldig fødselsnummer: kontrollsifrene stemmer ikke")
    day, month, year2 = d[0] * 10 + d[1], d[2] * 10 + d[3], d[4] * 10 + d[5]
    kind = IdKind.FNR
    if day > 40:
        day, kind = day - 40, IdKind.DNR
    if month > 80:
        if not allow_synthetic:
            raise InvalidIdentityNumber("Ugyldig fødselsnummer: syntetiske testnumre er ikke tillatt")
        month, kind = month - 80, IdKind.SYNTHETIC
    elif month > 40:
        if not allow_h_number:
            raise InvalidIdentityNumber("Ugyldig fødselsnummer: H-nummer er ikke tillatt")
        month, kind = month - 40, IdKind.HNR
    born, rule = _birth_date(day, month, year2, d[6] * 100 + d[7] * 10 + d[8], r1 % 11 == 0)
    if born is None:
        raise InvalidIdentityNumber("Ugyldig fødselsnummer: datoen finnes ikke")
    return PersonalId("".join(map(str, d)), kind, born, rule)


def _birth_date(day: int, month: int, year2: int, individual: int, k1_1964: bool) -> tuple[date | None, int]:
    """The birth date and the rule the number follows: 1964 when its check digits and its individual
    number's century allow it, else 2032 (any century in which the date exists and has passed)."""
    century = _century(year2, individual)
    if k1_1964 and century is not None:
        with contextlib.suppress(ValueError):
            return date(century + year2, month, day), 1964
    today = date.today()
    for century in (2000, 1900):
        with contextlib.suppress(ValueError):
            if (born := date(century + year2, month, day)) <= today:
                return born, 2032
    return None, 2032


def is_valid_fnr(value: str, **options: bool) -> bool:
    """``True`` when :func:`parse_fnr` accepts ``value`` with the same options."""
    try:
        parse_fnr(value, **options)
    except InvalidIdentityNumber:
        return False
    return True


def contains_fnr(text: str) -> bool:
    """Whether ``text`` holds a fødselsnummer or D-number (any valid one, synthetic and H-numbers too)."""
    return any(is_valid_fnr(run.replace(" ", ""), allow_synthetic=True, allow_h_number=True)
               for run in FNR_RUN.findall(str(text)))


def is_valid_orgnr(value: str) -> bool:
    """Organisasjonsnummer: 9 digits, MOD11 with weights 3,2,7,6,5,4,3,2."""
    d = _digits(value, 9)
    if d is None or not any(d):  # 000000000 passes MOD11 but is no organisation
        return False
    remainder = sum(w * x for w, x in zip(_ORGNR, d[:8], strict=True)) % 11
    if remainder == 1:
        return False
    return d[8] == (0 if remainder == 0 else 11 - remainder)


def is_valid_kid(value: str) -> bool:
    """KID (customer reference): valid by MOD10 (Luhn) or MOD11 (weights 2-7 from the right)."""
    value = str(value).strip()
    if not 2 <= len(value) <= 25 or not value[:-1].isdigit() or not (value[-1].isdigit() or value[-1] == "-"):
        return False
    body, check = [int(c) for c in value[:-1]], value[-1]
    luhn = sum(sum(divmod(x * (2 if i % 2 == 0 else 1), 10)) for i, x in enumerate(reversed(body)))
    if check.isdigit() and (10 - luhn % 10) % 10 == int(check):
        return True
    weights = [2 + i % 6 for i in range(len(body))]
    r = 11 - sum(w * x for w, x in zip(weights, reversed(body), strict=True)) % 11
    expected = "0" if r == 11 else "-" if r == 10 else str(r)
    return check == expected


def with_check_digits(first_nine: str) -> str | None:
    """Append the 1964-rule check digits to nine digits, or ``None`` when none exist."""
    d = [int(c) for c in first_nine]
    k1 = (11 - sum(w * x for w, x in zip(_K1, d, strict=True)) % 11) % 11
    k2 = (11 - sum(w * x for w, x in zip(_K2, [*d, k1], strict=True)) % 11) % 11
    return None if 10 in (k1, k2) else f"{first_nine}{k1}{k2}"


def synthetic_fnr(born: date, individual: int = 500, *, month_offset: int = 80) -> str:
    """A synthetic fødselsnummer for test data (Tenor style: month + 80; H-number: + 40).

    Tries individual numbers from ``individual`` upwards (wrapping round), within the
    century's range, until the check digits exist.
    """
    for number in [*range(individual, 1000), *range(individual)]:
        if _century(born.year % 100, number) != born.year // 100 * 100:
            continue
        fnr = with_check_digits(f"{born:%d}{born.month + month_offset:02d}{born:%y}{number:03d}")
        if fnr:
            return fnr
    raise ValueError(f"no synthetic number for {born} from {individual}")
