"""ppt_referrals against the real simulators (API back-ends): every seeded hard case ends in a
defined state, and nothing is filed twice."""

import httpx
import pytest

from archive_records import document_contacts
from saksrobot.archive import CaseQuery
from saksrobot.domain.school import P13
from saksrobot.errors import BusinessError
from saksrobot.processes.ppt_referrals import PptReferrals

EXPECTED_MANUAL = {"H-2026-0103": "no_consent", "H-2026-0105": "invalid_id", "H-2026-0106": "not_in_register",
                   "H-2026-0107": "duplicate"}


@pytest.fixture
def process(archive, school, settings, store):
    return PptReferrals(archive, school, settings.identity, settings.ppt,
                        claim_content=lambda content, key: store.claim_content("ppt_referrals", content, key))


def file_all(process):
    outcomes = {}
    for referral_id in process.new_referrals():
        try:
            outcomes[referral_id] = process.file(referral_id)
        except BusinessError as exc:
            outcomes[referral_id] = exc
    return outcomes


def documents(sims, case_number):
    response = httpx.post(f"{sims.archive_url}/Biz/v2/api/call/SI.Data.RPC/SI.Data.RPC/DocumentService/GetDocuments",
                          json={"parameter": {"CaseNumber": case_number, "IncludeCustomFields": True}},
                          headers=sims.archive_headers)
    return response.json()["Documents"]


def test_every_referral_ends_filed_or_with_archive_staff(process, archive, school, sims):
    outcomes = file_all(process)
    assert sorted(outcomes) == [f"H-2026-01{n:02d}" for n in range(1, 11)]  # H-2026-0090 was processed before
    manual = {k: v.code for k, v in outcomes.items() if isinstance(v, BusinessError)}
    assert manual == EXPECTED_MANUAL
    assert "Mangler samtykke fra foresatte" in str(outcomes["H-2026-0103"])
    assert "H-2026-0101" in str(outcomes["H-2026-0107"])
    filed = {k: v for k, v in outcomes.items() if k not in manual}
    assert process.new_referrals() == sorted(manual, key=list(outcomes).index)
    for referral_id, result in filed.items():
        assert school.referral(referral_id).case_number == result["case_number"]

    tobias = archive.find_cases(CaseQuery(case_type="PPT", title="PPT-sak - Tobias Eide"))
    assert [c.case_number for c in tobias] == [filed["H-2026-0108"]["case_number"]]  # the re-referral
    assert filed["H-2026-0108"]["created"] is False
    assert all(result["created"] for k, result in filed.items() if k != "H-2026-0108")

    case = archive.get_case(filed["H-2026-0101"]["case_number"])
    assert (case.title, case.case_type, case.access_code, case.paragraph, case.access_group) == (
        "PPT-sak", "PPT", "13", P13, "PPT")
    assert case.unofficial_title == "PPT-sak - Mia Haugen"
    [post] = documents(sims, case.case_number)
    assert (post["OfficialTitle"], post["Category"]["Description"], post["AccessCodeCode"], post["Paragraph"],
            post["AccessGroup"]) == ("Henvisning til PPT", "Dokument inn", "13", P13, "PPT")
    assert post["CustomFields"] == [{"Name": "CF_SaksrobotId", "Value": "saksrobot:ppt_referrals/H-2026-0101"}]
    assert document_contacts(sims, post["DocumentNumber"]) == [("980000702", "Avsender", False)]
    assert [f["Title"] for f in post["Files"]] == ["Henvisning til PPT H-2026-0101", "Pedagogisk rapport",
                                                   "Samtykkeskjema"]
    senders = {k: document_contacts(sims, v["document_number"])[0] for k, v in filed.items()}
    assert senders["H-2026-0102"][0] == "911000903"  # the kindergarten
    assert senders["H-2026-0104"] == (school.referral("H-2026-0104").child.fnr, "Avsender", True)  # the pupil
    assert senders["H-2026-0110"][2]  # a guardian, screened


def test_refiling_files_nothing_twice(process, archive, sims, school):
    first = process.file("H-2026-0101")
    count = len(documents(sims, first["case_number"]))
    assert process.file("H-2026-0101")["case_number"] == first["case_number"]  # now "behandlet"
    # as if the robot died after filing, before marking processed: the journal post is found again
    httpx.post(f"{sims.schooladmin_url}/_sim/reset", headers={"Authorization": f"authkey {sims.api_key}"})
    again = process.file("H-2026-0101")
    assert (again["case_number"], again["document_number"]) == (first["case_number"], first["document_number"])
    assert len(documents(sims, first["case_number"])) == count
    assert len(archive.find_cases(CaseQuery(case_type="PPT", title="PPT-sak - Mia Haugen"))) == 1

