"""Domain models and validators: identity numbers, Noark codes, case requests."""

from saksrobot.domain.identity import (
    IdKind,
    InvalidIdentityNumber,
    PersonalId,
    is_valid_fnr,
    is_valid_kid,
    is_valid_orgnr,
    parse_fnr,
    synthetic_fnr,
)

__all__ = [
    "IdKind",
    "InvalidIdentityNumber",
    "PersonalId",
    "is_valid_fnr",
    "is_valid_kid",
    "is_valid_orgnr",
    "parse_fnr",
    "synthetic_fnr",
]
