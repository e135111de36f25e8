from datetime import date

import pytest

from saksrobot.domain import (
    IdKind,
    InvalidIdentityNumber,
    is_valid_fnr,
    is_valid_kid,
    is_valid_orgnr,
    parse_fnr,
    synthetic_fnr,
)

# Skatteetaten's public test list (see DOMAIN.md §3).
VALID = {
    "20036914700": (IdKind.FNR, 1964),
    "30108299939": (IdKind.FNR, 2032),
    "03851598730": (IdKind.SYNTHETIC, 1964),
    "55102499947": (IdKind.DNR, 2032),
}


@pytest.mark.parametrize("value", VALID)
def test_skatteetaten_valid_numbers(value):
    parsed = parse_fnr(value)
    assert (parsed.kind, parsed.check_rule) == VALID[value]


def test_birth_date_and_century():
    assert parse_fnr("03851598730").birth_date.isoformat() == "2015-05-03"
    assert parse_fnr("55102499947").birth_date.isoformat() == "2024-10-15"
    assert parse_fnr("20036914700").birth_date.isoformat() == "1969-03-20"


@pytest.mark.parametrize("value", ["20036914712", "29020105729", "1234567890", "abcdefghijk", "", "200369147000"])
def test_invalid_numbers(value):
    assert not is_valid_fnr(value)


def test_29_february_needs_a_leap_year():
    with pytest.raises(InvalidIdentityNumber, match="datoen finnes ikke"):
        parse_fnr("29020105729")


def test_synthetic_and_h_numbers_are_options():
    assert not is_valid_fnr("03851598730", allow_synthetic=False)
    h_number = synthetic_fnr(date(2015, 5, 3), month_offset=40)
    assert h_number[2:4] == "45"
    assert not is_valid_fnr(h_number)
    assert parse_fnr(h_number, allow_h_number=True).kind is IdKind.HNR


@pytest.mark.parametrize("born", [date(1901, 1, 1), date(1969, 3, 20), date(2000, 2, 29), date(2019, 12, 31)])
def test_synthetic_numbers_round_trip(born):
    parsed = parse_fnr(synthetic_fnr(born))
    assert (parsed.kind, parsed.birth_date) == (IdKind.SYNTHETIC, born)


def test_error_and_repr_never_show_the_number():
    with pytest.raises(InvalidIdentityNumber) as err:
        parse_fnr("20036914712")
    assert "20036914712" not in str(err.value)
    assert "03851598730" not in repr(parse_fnr("03851598730"))


@pytest.mark.parametrize(("value", "ok"), [("974760673", True), ("988077917", True), ("988077918", False),
                                           ("12345", False), ("97476067X", False), ("000000000", False)])
def test_orgnr(value, ok):
    assert is_valid_orgnr(value) is ok


@pytest.mark.parametrize(("value", "ok"), [("1234567897", True),   # MOD10
                                           ("12345678903", True),  # MOD11
                                           ("1234567890", False), ("12a", False), ("1", False)])
def test_kid(value, ok):
    assert is_valid_kid(value) is ok


def test_a_synthetic_d_number_has_day_plus_40_and_month_plus_80():
    parsed = parse_fnr("49901650097")
    assert parsed.birth_date == date(2016, 10, 9)
    assert not is_valid_fnr("49901650097", allow_synthetic=False)


# 2032 rules: the individual number no longer tells the century. Synthetic (month + 80) numbers with
# individual number 800 and year 50, which the 1964 table has no century for, and every 2032 remainder.
@pytest.mark.parametrize(("value", "remainder"), [("15855080025", 0), ("15855080033", 1), ("15855080041", 2),
                                                  ("55855080043", 3)])
def test_a_2032_number_is_valid_when_its_date_exists_in_some_century(value, remainder):
    parsed = parse_fnr(value)
    assert (parsed.birth_date, parsed.check_rule) == (date(1950, 5, 15), 2032)
    assert sum(w * int(x) for w, x in zip((3, 7, 6, 1, 8, 9, 4, 5, 2, 1), value, strict=False)) % 11 == remainder


@pytest.mark.parametrize("value", ["31845080030", "31845080049", "29020180097"])  # 31 April; 29 Feb 1901/2001
def test_a_2032_number_whose_date_exists_in_no_century_is_refused(value):
    with pytest.raises(InvalidIdentityNumber, match="datoen finnes ikke"):
        parse_fnr(value)


def test_skatteetatens_2032_test_numbers_keep_their_birth_dates():
    assert parse_fnr("30108299939").birth_date == date(1982, 10, 30)
    assert parse_fnr("55102499947").birth_date == date(2024, 10, 15)
