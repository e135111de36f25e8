from datetime import date, datetime

import pytest

from saksrobot.archive import ExternalId
from saksrobot.domain.identity import InvalidIdentityNumber
from saksrobot.domain.school import (
    P13,
    NoConsent,
    age_on,
    check_referral,
    folder_case,
    ppt_case,
    referral_fingerprint,
    referral_post,
    referral_sender,
    sending_guardian,
)
from saksrobot.errors import BusinessError
from saksrobot.schooladmin import Child, Guardian, Reason, Referral, ReferredChild, Referrer, Unit

PUPIL_FNR = "11831650003"  # synthetic, born 2016-03-11
TEEN_FNR = "14821050015"  # synthetic, born 2010-02-14
UNIT = Unit(id=1, name="Nordby skole", orgnr="980000702", kind="skole", access_group="Nordby skole")


def referral(**changes) -> Referral:
    base = Referral(
        id="H-1", received=datetime(2026, 11, 2, 9, 14), status="ny", referral_type="individsak",
        child=ReferredChild(first_name="Mia", last_name="Haugen", fnr=PUPIL_FNR),
        guardians=(Guardian(name="Guro Haugen", fnr="03828510036", consent=True),
                   Guardian(name="Trond Haugen", fnr="19888310110", consent=True)),
        referrer=Referrer(kind="skole", name="Nordby skole", orgnr="980000702"),
        reason=Reason(category="Lese- og skrivevansker", text="Strever med lesing"))
    return base.model_copy(update=changes)


def check(r: Referral):
    return check_referral(r, allow_synthetic=True, allow_h_number=False)


def test_a_pupil_folder_has_the_shape_real_robots_create():
    child = Child(id="E-1", kind="elev", first_name="Mia", last_name="Haugen", fnr=PUPIL_FNR, unit=UNIT)
    case = folder_case(child, external_id=ExternalId.of("school_cases", "E-1"))
    assert (case.title, case.unofficial_title, case.case_type, case.sub_archive) == (
        "Elevmappe", "Elevmappe - Mia Haugen", "Elev", "Elev")
    assert [(c.archive_type, c.code, c.sort, c.is_manual_text) for c in case.archive_codes] == [
        ("FNR", PUPIL_FNR, 1, True), ("FAGKLASSE PRINSIPP", "B31", 2, False)]
    assert (case.access_code, case.paragraph, case.access_group, case.responsible_unit) == (
        "13", P13, "Nordby skole", "Nordby skole")
    assert [(p.reference, p.role, p.unofficial) for p in case.parties] == [(PUPIL_FNR, "Sakspart", True)]
    kindergarten = folder_case(child.model_copy(update={"kind": "barn"}), ExternalId.of("school_cases", "x"))
    assert (kindergarten.title, kindergarten.case_type, kindergarten.sub_archive) == ("Barnemappe", "Barn", "Barn")


def test_a_ppt_case_keeps_the_name_out_of_the_public_title():
    case = ppt_case(referral().child, "PPT-enheten", "PPT", external_id=ExternalId.of("ppt_referrals", "H-1"))
    assert (case.title, case.unofficial_title, case.case_type, case.access_code, case.access_group) == (
        "PPT-sak", "PPT-sak - Mia Haugen", "PPT", "13", "PPT")
    assert [c.archive_type for c in case.archive_codes] == ["FNR"]


def test_consent_from_every_guardian_with_parental_responsibility():
    assert check(referral()).birth_date == date(2016, 3, 11)
    missing = referral(guardians=(Guardian(name="A", consent=True), Guardian(name="B", consent=False)))
    with pytest.raises(NoConsent, match=r"Mangler samtykke fra foresatte \(1 av 2"):
        check(missing)
    without_responsibility = referral(guardians=(Guardian(name="A", consent=True),
                                                 Guardian(name="B", consent=False, parental_responsibility=False)))
    check(without_responsibility)
    with pytest.raises(NoConsent, match="ingen foresatte"):
        check(referral(guardians=()))


def test_a_pupil_of_15_may_refer_themself_without_consent_but_not_younger():
    teen = referral(child=ReferredChild(first_name="Filip", last_name="Aas", fnr=TEEN_FNR),
                    referrer=Referrer(kind="eleven selv", name="Filip Aas"),
                    guardians=(Guardian(name="Line Aas", consent=False),))
    check(teen)
    on_the_day_before = teen.model_copy(update={"received": datetime(2025, 2, 13, 12, 0)})
    with pytest.raises(NoConsent, match="under 15"):
        check(on_the_day_before)
    assert age_on(date(2010, 2, 14), date(2025, 2, 14)) == 15


def test_an_invalid_fnr_is_a_business_error_without_the_number():
    with pytest.raises(InvalidIdentityNumber) as failure:
        check(referral(child=ReferredChild(first_name="L", last_name="H", fnr="07871850058")))
    assert "07871850058" not in str(failure.value) and "kontrollsifrene" in str(failure.value)
    assert failure.value.code == "invalid_id"


def test_the_same_referral_sent_twice_has_the_same_fingerprint():
    first = referral()
    again = first.model_copy(update={"id": "H-2", "received": datetime(2026, 11, 2, 9, 31)})
    assert referral_fingerprint(first) == referral_fingerprint(again)
    other = first.model_copy(update={"reason": Reason(category="Matte", text="")})
    assert referral_fingerprint(other) != referral_fingerprint(first)
    assert PUPIL_FNR not in referral_fingerprint(first)


def test_the_sender_is_the_referring_unit_or_the_guardian_or_pupil():
    assert referral_sender(referral()).model_dump() == {"reference": "980000702", "role": "Avsender",
                                                        "unofficial": False}
    guardian = referral(referrer=Referrer(kind="foresatte", name="Trond Haugen"))
    assert (referral_sender(guardian).reference, referral_sender(guardian).unofficial) == ("19888310110", True)
    pupil = referral(referrer=Referrer(kind="eleven selv", name="Mia Haugen"))
    assert referral_sender(pupil).reference == PUPIL_FNR
    with pytest.raises(BusinessError, match="mangler organisasjonsnummer"):
        referral_sender(referral(referrer=Referrer(kind="helsestasjon", name="Byen helsestasjon")))


def test_the_journal_post_is_screened_and_carries_the_referral_id():
    post = referral_post(referral(), "26/00012", "PPT", files=())
    assert (post.title, post.category, post.access_code, post.paragraph, post.access_group) == (
        "Henvisning til PPT", "Dokument inn", "13", P13, "PPT")
    assert post.external_id == ExternalId(id="H-1", type="saksrobot:ppt_referrals")
    assert post.document_date == date(2026, 11, 2)
    assert "Mia Haugen" in post.unofficial_title and "Mia" not in post.title


def test_models_with_personal_data_show_only_their_id():
    assert repr(referral()) == "Referral(H-1)" and PUPIL_FNR not in str(referral())
    assert "Mia" not in repr(referral().child)


def test_a_guardian_who_referred_under_another_name_is_still_the_sender():
    guardian = referral(referrer=Referrer(kind="foresatte", name="Guro Haugen Berg"))
    assert sending_guardian(guardian).fnr == "03828510036"
    assert referral_sender(guardian).reference == "03828510036"
    assert sending_guardian(referral()) is None  # a school referred
