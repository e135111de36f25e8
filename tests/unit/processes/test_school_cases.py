"""school_cases against the real simulators (API back-ends): one folder per child, never two."""

import pytest

from archive_records import case_parties
from saksrobot.archive import CaseQuery, ExternalId, PrivatePerson
from saksrobot.domain.identity import InvalidIdentityNumber
from saksrobot.domain.school import P13, folder_case
from saksrobot.processes.school_cases import SchoolCases


@pytest.fixture
def process(archive, school, settings):
    return SchoolCases(archive, school, settings.identity)


def test_every_new_child_gets_one_folder_of_the_right_shape(process, archive, school, sims):
    ids = process.new_children()
    assert sorted(ids) == ["B-2003", "B-2004", "E-1005", "E-1007", "E-1008", "E-1009", "E-1010"]
    outcomes = {}
    for child_id in ids:
        try:
            outcomes[child_id] = process.make_folder(child_id)
        except InvalidIdentityNumber as exc:
            outcomes[child_id] = exc
    assert isinstance(outcomes.pop("E-1010"), InvalidIdentityNumber)
    assert outcomes.pop("E-1007")["created"] is False  # Noah's elevmappe was in the archive already
    assert all(o["created"] for o in outcomes.values())
    assert process.new_children() == ["E-1010"]

    pupil = school.child("E-1005")  # D-number
    case = archive.get_case(pupil.folder_case_number)
    assert (case.title, case.unofficial_title, case.case_type, case.sub_archive) == (
        "Elevmappe", "Elevmappe - Amir Rahimi", "Elev", "Elev")
    assert [(c.archive_type, c.code) for c in case.archive_codes] == [("FNR", pupil.fnr), ("FAGKLASSE PRINSIPP", "B31")]
    assert (case.access_code, case.paragraph, case.access_group, case.responsible_unit) == (
        "13", P13, "Nordby skole", "Nordby skole")
    assert [(p.reference, p.role) for p in case.parties] == [(pupil.fnr, "Sakspart")]
    assert case_parties(sims, case.case_number) == [(pupil.fnr, "Sakspart", True)]  # screened
    child = school.child("B-2003")
    folder = archive.get_case(child.folder_case_number)
    assert (folder.title, folder.case_type, folder.access_group) == ("Barnemappe", "Barn", "Solsikken barnehage")


def test_a_rerun_after_a_crash_before_recording_finds_the_folder(process, archive, school):
    child = school.child("E-1008")
    archive.synchronize_person(PrivatePerson(personal_id_number=child.fnr, first_name="Lucas", last_name="Holm"))
    made = archive.create_case(folder_case(child, ExternalId.of("school_cases", "E-1008")))  # then the robot died
    assert school.child("E-1008").folder_case_number is None
    assert process.make_folder("E-1008") == {"case_number": made.case_number, "created": False}
    assert process.make_folder("E-1008") == {"case_number": made.case_number, "created": False}
    assert school.child("E-1008").folder_case_number == made.case_number
    assert len(archive.find_cases(CaseQuery(contact_reference=child.fnr, case_type="Elev"))) == 1
