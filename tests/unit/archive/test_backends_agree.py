"""Both back-ends against the real simulator: the same keywords give the same results."""

from datetime import date

import pytest

from saksrobot.archive import (
    CaseChanges,
    CaseQuery,
    Category,
    Enterprise,
    ExternalId,
    FileAttachment,
    NewJournalPost,
    Party,
    PrivatePerson,
    UnregisteredParty,
    open_archive,
)
from saksrobot.archive.sif.documents import GetDocumentsArgs
from saksrobot.domain.identity import is_valid_orgnr, synthetic_fnr
from saksrobot.errors import BusinessError
from saksrobot.settings import Backend, load_settings
from saksrobot.simulators.archive.seed import DEMO_PERSONS

P13 = "Offl. § 13 jf. fvl. § 13 (1) nr.1"
pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def archives(sims):
    settings = load_settings(archive={"base_url": sims.archive_url, "api_key": sims.api_key,
                                      "password": sims.password, "retries": 0})
    with open_archive(settings, Backend.API) as api, open_archive(settings, Backend.UI) as ui:
        yield {"api": api, "ui": ui}


@pytest.mark.parametrize("backend", ["api", "ui"])
def test_create_find_and_file_give_the_same_case_through_both_back_ends(archives, backend, pupil_folder):
    made = archives[backend].create_case(pupil_folder(f"agree-{backend}"))
    assert made.created
    via_api = archives["api"].get_case(made.case_number)
    via_ui = archives["ui"].get_case(made.case_number)
    assert via_api == via_ui
    assert (via_api.case_type, via_api.access_code, via_api.paragraph, via_api.access_group) == (
        "Elev", "13", P13, "Nordby skole")
    assert [(c.archive_type, c.code) for c in via_api.archive_codes] == [("FNR", DEMO_PERSONS[0]),
                                                                          ("FAGKLASSE PRINSIPP", "B31")]
    post = NewJournalPost(
        case_number=made.case_number, title="Henvisning", category=Category.INCOMING, access_code="13",
        paragraph=P13, access_group="PPT", document_date=date(2026, 11, 2), external_id=ExternalId.of("tests", "H-1"),
        contacts=(Party(reference="980000702", role="Avsender", unofficial=False),),
        responsible_unit="Økonomiavdelingen", responsible_person="attestant@byen.kommune.no",
        files=(FileAttachment(title="henvisning", format="pdf", data=b"%PDF-1.4 test"),))
    document = archives[backend].create_journal_post(post)
    assert (document.document_number, document.created) == (f"{made.case_number}-1", True)
    again = archives[backend].create_journal_post(post)
    assert (again.document_number, again.created) == (f"{made.case_number}-1", False)
    other = archives[backend].create_journal_post(post.model_copy(update={
        "external_id": ExternalId.of("tests", "H-2"), "referring_documents": (document.document_number,),
        "category": "Dokument ut", "contacts": (), "unregistered_contacts": (
            UnregisteredParty(name="Kari Klager", email="kari@example.no", role="Mottaker"),)}))
    assert other.document_number == f"{made.case_number}-2"
    for reader in ("api", "ui"):
        assert archives[reader].find_journal_post(ExternalId.of("tests", "H-2"), made.case_number) == (
            other.document_number)
        assert archives[reader].find_journal_post(ExternalId.of("other_robot", "H-2"), made.case_number) is None
    [first, second] = archives["api"]._sif.call(GetDocumentsArgs(CaseNumber=made.case_number)).Documents
    assert (first.ResponsibleEnterprise.Name, first.ResponsiblePerson.Email, first.AccessGroup) == (
        "Økonomiavdelingen", "attestant@byen.kommune.no", "PPT")
    assert (first.Category.Code, second.Category.Code) == ("I", "U")
    assert second.ReferringDocuments == [document.document_number]
    assert [(c.Role, c.SearchName, c.Email) for c in second.Contacts] == [
        ("Mottaker", "Kari Klager", "kari@example.no")]
    archives["api"].update_case(made.case_number, CaseChanges(status="S"))
    assert archives[backend].get_case(made.case_number).status == "Avsluttet av saksbehandler"


@pytest.mark.parametrize("backend", ["api", "ui"])
def test_create_is_idempotent_on_the_external_id(archives, backend, pupil_folder):
    first = archives[backend].create_case(pupil_folder(f"twice-{backend}"))
    again = archives[backend].create_case(pupil_folder(f"twice-{backend}"))
    assert (again.case_number, again.created) == (first.case_number, False)
    assert len(archives["api"].find_cases(CaseQuery(external_id=ExternalId.of("tests", f"twice-{backend}")))) == 1


@pytest.mark.parametrize("backend", ["api", "ui"])
def test_a_case_of_an_earlier_release_is_found_by_its_old_external_id(archives, backend, pupil_folder):
    old = pupil_folder("x").model_copy(update={"external_id": ExternalId(id=f"school_cases:old-{backend}",
                                                                         type="saksrobot")})
    made = archives["api"].create_case(old)
    again = archives[backend].create_case(pupil_folder("x").model_copy(update={
        "external_id": ExternalId.of("school_cases", f"old-{backend}")}))
    assert (again.case_number, again.created) == (made.case_number, False)


@pytest.mark.parametrize("backend", ["api", "ui"])
def test_a_party_without_identity_number_is_recorded_by_name(archives, backend, pupil_folder):
    case = pupil_folder(f"public-{backend}").model_copy(update={"unregistered_parties": (
        UnregisteredParty(name="Kari Klager", email="kari@example.no"),)})
    made = archives[backend].create_case(case)
    assert archives[backend].get_case(made.case_number).unregistered_parties == ("Kari Klager",)


@pytest.mark.parametrize("backend", ["api", "ui"])
def test_categories_as_staff_write_them_or_as_the_archive_codes_them(archives, backend, pupil_folder):
    case = archives["api"].create_case(pupil_folder(f"categories-{backend}"))
    for category in ("Dokument inn", "Notat", "Internt notat uten oppfølging", "U"):
        post = NewJournalPost(case_number=case.case_number, title="Notat", category=category)
        assert archives[backend].create_journal_post(post).created
    documents = archives["api"]._sif.call(GetDocumentsArgs(CaseNumber=case.case_number)).Documents
    assert [d.Category.Code for d in documents] == ["I", "N", "X", "U"]
    with pytest.raises(BusinessError, match="Ukjent dokumentkategori «Brev»"):
        archives[backend].create_journal_post(NewJournalPost(case_number=case.case_number, title="x", category="Brev"))


@pytest.mark.parametrize("backend", ["api", "ui"])
@pytest.mark.parametrize(("change", "reason"), [
    ({"responsible_unit": "Kulturetaten"}, "Ukjent enhet «Kulturetaten»"),
    ({"case_type": "Byggesøknad"}, "Byggesøknad"),
    ({"paragraph": None}, "Hjemmel"),
])
def test_refusals_are_business_errors_with_the_same_reason(archives, backend, change, reason, pupil_folder):
    case = pupil_folder(f"bad-{backend}-{reason}").model_copy(update=change)
    with pytest.raises(BusinessError, match=reason):
        archives[backend].create_case(case)


@pytest.mark.parametrize(("backend", "day"), [("api", 1), ("ui", 2)])
def test_a_synchronised_person_can_be_a_party(archives, backend, day, pupil_folder):
    fnr = synthetic_fnr(date(2017, 3, day), 600)
    folder = pupil_folder(f"person-{backend}").model_copy(update={"parties": (Party(reference=fnr),)})
    with pytest.raises(BusinessError, match="Fant ingen kontakt"):
        archives[backend].create_case(folder)
    person = PrivatePerson(personal_id_number=fnr, first_name="Test", last_name="Testesen", address="Vei 1")
    archives[backend].synchronize_person(person)
    archives[backend].synchronize_person(person)  # again: updated, not duplicated
    assert repr(person) == "PrivatePerson(***)"
    assert archives[backend].create_case(folder).created


@pytest.mark.parametrize(("backend", "orgnr"), [("api", "915001122"), ("ui", "916001207")])
def test_a_synchronised_enterprise_can_be_a_sender(archives, backend, orgnr, pupil_folder):
    assert is_valid_orgnr(orgnr)
    case = archives["api"].create_case(pupil_folder(f"enterprise-{backend}"))
    post = NewJournalPost(case_number=case.case_number, title="Faktura", access_code="13", paragraph=P13,
                          contacts=(Party(reference=orgnr, role="Avsender", unofficial=False),))
    with pytest.raises(BusinessError, match="Fant ingen kontakt"):
        archives[backend].create_journal_post(post)
    archives[backend].synchronize_enterprise(Enterprise(enterprise_number=orgnr, name="Testleverandør AS"))
    assert archives[backend].create_journal_post(post).created
