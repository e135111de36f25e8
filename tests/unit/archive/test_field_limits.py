"""What reaches the archive fits its fields, and a public title holds no fødselsnummer: both are bad
data, handed to archive staff with a Norwegian reason (a business error), never sent."""

import pytest

from saksrobot.archive.models import TITLE, Enterprise, NewCase, NewJournalPost, UnregisteredParty
from saksrobot.domain.case_request import CaseRequest
from saksrobot.errors import BusinessError

FNR = "03851598730"
CASE = {"case_type": "Sak", "responsible_unit": "Byarkivet"}


def refused(make, code):
    with pytest.raises(BusinessError) as caught:
        make()
    assert caught.value.code == code
    assert FNR not in str(caught.value)
    return caught.value


@pytest.mark.parametrize("title", [f"Klage fra {FNR}", f"Klage fra {FNR[:6]} {FNR[6:]}", f"Sak {FNR}-2"])
def test_a_fodselsnummer_in_a_public_title_is_bad_data(title):
    error = refused(lambda: NewCase(title=title, **CASE), "fnr_in_title")
    assert "Tittelen inneholder et fødselsnummer; bruk skjermet tittel" in error.message
    refused(lambda: NewJournalPost(case_number="26/1", title=title), "fnr_in_title")


def test_the_unofficial_title_may_hold_one_and_numbers_that_are_not_one_pass():
    case = NewCase(title="Klage på vedtak", unofficial_title=f"Klage fra {FNR}", **CASE)
    assert case.unofficial_title.endswith(FNR)
    assert NewCase(title="Faktura 12345678901 fra 974760673", **CASE).title  # 11 digits failing MOD11


def test_a_request_whose_title_holds_one_is_handed_over_before_the_archive_is_asked():
    request = CaseRequest.from_row({"Id": "PRIV-1", "Tittel": f"Klage fra {FNR}", "Sakstype": "Sak",
                                    "Ansvarlig enhet": "Byarkivet"})
    refused(request.to_new_case, "fnr_in_title")


@pytest.mark.parametrize("make", [
    lambda: NewCase(title="x" * (TITLE + 1), **CASE),
    lambda: NewCase(title="Klage", unofficial_title="x" * (TITLE + 1), **CASE),
    lambda: NewJournalPost(case_number="26/1", title="x" * (TITLE + 1)),
    lambda: UnregisteredParty(name="x" * 201),
    lambda: UnregisteredParty(name="Kari", email="x" * 255),
    lambda: Enterprise(enterprise_number="974760673", name="x" * 201),
], ids=["title", "unofficial-title", "journal-post-title", "party-name", "party-email", "enterprise-name"])
def test_a_text_longer_than_its_field_is_bad_data_with_its_length(make):
    assert "for lang" in refused(make, "too_long").message


def test_texts_at_the_limit_pass():
    assert len(NewCase(title="x" * TITLE, **CASE).title) == TITLE
    assert UnregisteredParty(name="x" * 200).name
