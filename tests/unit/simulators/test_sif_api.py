"""The archive simulator's SIF API over HTTP against a running server: as strict as Public 360 (the
contract's argument names and shapes only, ``authkey`` and ``clientid``), answering with the real
names, nesting and casing."""

import re

import httpx
import pytest
from pydantic import BaseModel

from saksrobot.archive import sif
from saksrobot.simulators.archive.seed import DEMO_ENTERPRISES, DEMO_PERSONS

PREFIX = "/Biz/v2/api/call/SI.Data.RPC/SI.Data.RPC"
P13 = "Offl. § 13 jf. fvl. § 13 (1) nr.1"


@pytest.fixture(scope="module")
def sim(sims):
    return sims


def real_names_only(value, model: type[BaseModel], path: str = "") -> list[str]:
    """Names in an answer that the contract's model of it does not have (recursively)."""
    if not isinstance(value, dict):
        return []
    wrong = [f"{path}.{k}" for k in value if k not in model.model_fields]
    for name, field in model.model_fields.items():
        inner = field.annotation
        for arg in getattr(inner, "__args__", (inner,)):
            for candidate in getattr(arg, "__args__", (arg,)):
                if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                    items = value.get(name)
                    for item in items if isinstance(items, list) else [items]:
                        wrong += real_names_only(item, candidate, f"{path}.{name}")
    return wrong


@pytest.fixture
def call(sim):
    client = httpx.Client(base_url=sim.archive_url + PREFIX, headers=sim.archive_headers)

    def rpc(service_method: str, **parameter):
        response = client.post(f"/{service_method}", json={"parameter": parameter})
        assert response.status_code == 200, response.text
        body = response.json()
        answer = sif.METHODS[tuple(service_method.split("/"))][1]
        assert real_names_only(body, answer) == [], service_method  # every name as the real API has it
        return body
    yield rpc
    client.close()


@pytest.fixture
def unit(call):
    found = call("ContactService/GetEnterprises", Name="Byarkivet", Categories=["recno:1"])["Enterprises"]
    return found[0]["Recno"]


def new_case(call, unit, **extra):
    return call("CaseService/CreateCase", **{"Title": "Testsak", "CaseType": "Sak", "ResponsibleEnterpriseRecno": unit,
                                             **extra})


def test_case_numbers_are_yy_nnnnn_and_sequential(call, unit):
    first, second = new_case(call, unit), new_case(call, unit)
    assert first["Successful"] and second["Successful"]
    assert re.fullmatch(r"\d{2}/\d{5}", first["CaseNumber"])
    year, seq = first["CaseNumber"].split("/")
    assert second["CaseNumber"] == f"{year}/{int(seq) + 1:05d}"


def test_create_then_get_cases_answers_with_the_real_names(call, unit):
    fnr = DEMO_PERSONS[0]
    made = new_case(call, unit, UnofficialTitle="Testsak - Ola", SubArchive="Sakarkiv", AccessCode="13",
                    Paragraph=P13, AccessGroup="Byarkivet", ExternalId={"Id": "contract-1", "Type": "test"},
                    ArchiveCodes=[{"ArchiveType": "FNR", "ArchiveCode": fnr, "Sort": 1, "IsManualText": True}],
                    Contacts=[{"Role": "Sakspart", "ReferenceNumber": fnr, "IsUnofficial": True}],
                    UnregisteredContacts=[{"Role": "Sakspart", "ContactName": "Kari Klager",
                                           "Email": "kari@example.no", "IsUnofficial": True}])
    found = call("CaseService/GetCases", ExternalId={"Id": "contract-1", "Type": "test"})
    assert found["TotalCount"] == 1
    case = found["Cases"][0]
    assert case["CaseNumber"] == made["CaseNumber"] and case["Recno"] == made["Recno"]
    assert case["ExternalId"] == {"Id": "contract-1", "Type": "test"}
    assert (case["Title"], case["UnofficialTitle"], case["CaseTypeCode"], case["Status"]) == (
        "Testsak", "Testsak - Ola", "Sak", "Under behandling")
    assert (case["AccessCodeCode"], case["Paragraph"], case["AccessGroup"]) == ("13", P13, "Byarkivet")
    assert case["ResponsibleEnterprise"]["Name"] == "Byarkivet"
    assert case["ArchiveCodes"][0]["ArchiveCode"] == fnr
    # GetCases answers contacts with Referencenumber (lower-case n) and without IsUnofficial
    assert [(c["Role"], c["Referencenumber"], c["ContactName"]) for c in case["Contacts"]] == [
        ("Sakspart", fnr, "Ola Nordmann"), ("Sakspart", None, "Kari Klager")]
    assert all("IsUnofficial" not in c and "ReferenceNumber" not in c for c in case["Contacts"])
    for flt in ({"CaseNumber": made["CaseNumber"]}, {"ContactReferenceNumber": fnr}, {"ArchiveCode": fnr},
                {"Title": "Test%", "CaseType": "Sak"}, {"ExternalId": {"Id": "contract-1"}}):
        assert made["CaseNumber"] in [c["CaseNumber"] for c in call("CaseService/GetCases", **flt)["Cases"]], flt
    other_type = call("CaseService/GetCases", ExternalId={"Id": "contract-1", "Type": "another-robot"})
    assert other_type["TotalCount"] == 0  # two robots' keys never meet


@pytest.mark.parametrize(("method", "parameter", "named"), [
    ("ContactService/GetEnterprises", {"Name": "Byarkivet", "IsInternal": True}, "IsInternal"),
    ("DocumentService/CreateDocument", {"CaseNumber": "26/00001", "ExternalId": {"Id": "x", "Type": "t"}},
     "ExternalId"),
    ("DocumentService/CreateDocument", {"CaseNumber": "26/00001", "LinkedDocuments": ["26/00001-1"]},
     "LinkedDocuments"),
    ("DocumentService/GetDocuments", {"ExternalId": "ppt_referrals:H-1"}, "ExternalId"),
    ("CaseService/GetCases", {"ExternalId": "contract-1"}, "ExternalId"),  # a string where {Id, Type} belongs
    ("CaseService/CreateCase", {"Title": "x", "Contacts": [{"Referencenumber": "974760673"}]}, "Referencenumber"),
    ("SupportService/GetCodeTableRows", {"Name": "code table: Case status"}, "Name"),
])
def test_arguments_the_real_api_does_not_have_are_refused(call, method, parameter, named):
    answer = call(method, **parameter)
    assert answer["Successful"] is False and answer["ErrorDetails"] == "ArgumentException"
    assert named in answer["ErrorMessage"]


def test_get_cases_pages(call, unit):
    for _ in range(3):
        new_case(call, unit, Title="Sidetest")
    page = call("CaseService/GetCases", Title="Sidetest", MaxReturnedCases=2, Page=1)
    assert page["TotalCount"] >= 3 and page["TotalPageCount"] >= 2 and len(page["Cases"]) >= 1


def test_duplicate_external_id_is_allowed_as_in_the_real_system(call, unit):
    new_case(call, unit, ExternalId={"Id": "dup", "Type": "t"})
    new_case(call, unit, ExternalId={"Id": "dup", "Type": "t"})
    assert call("CaseService/GetCases", ExternalId={"Id": "dup", "Type": "t"})["TotalCount"] == 2


@pytest.mark.parametrize("status", ["S", "Avsluttet av saksbehandler", "recno"])
def test_update_case_takes_a_status_by_code_description_or_recno(call, unit, status):
    if status == "recno":
        rows = call("SupportService/GetCodeTableRows", CodeTableName="code table: Case status")["CodeTableRows"]
        status = f"recno:{next(r['Recno'] for r in rows if r['Code'] == 'S')}"
    made = new_case(call, unit)
    assert call("CaseService/UpdateCase", CaseNumber=made["CaseNumber"], Status=status)["Successful"]
    case = call("CaseService/GetCases", CaseNumber=made["CaseNumber"])["Cases"][0]
    assert case["Status"] == "Avsluttet av saksbehandler"


def test_an_invented_status_is_refused(call, unit):
    made = new_case(call, unit)
    answer = call("CaseService/UpdateCase", CaseNumber=made["CaseNumber"], Status="AS")
    assert answer["Successful"] is False and "Ukjent saksstatus «AS»" in answer["ErrorMessage"]


def test_documents_are_numbered_within_the_case_and_answered_with_real_names(call, unit):
    made = new_case(call, unit)
    first = call("DocumentService/CreateDocument", CaseNumber=made["CaseNumber"], Title="Brev", Category="Dokument inn",
                 Contacts=[{"Role": "Avsender", "ReferenceNumber": DEMO_ENTERPRISES[0]}],
                 AdditionalFields=[{"Name": "CF_SaksrobotId", "Value": "saksrobot:test/1"}],
                 Files=[{"Title": "brev", "Format": "pdf", "Base64Data": "JVBERi0xLjQ="}])
    second = call("DocumentService/CreateDocument", CaseNumber=made["CaseNumber"], Title="Svar", Category="U",
                  UnregisteredContacts=[{"Role": "Mottaker", "ContactName": "Kari Klager", "Email": "k@example.no"}],
                  ReferringDocuments=[{"DocumentNumber": first["DocumentNumber"]}])
    assert (first["DocumentNumber"], second["DocumentNumber"]) == (f"{made['CaseNumber']}-1", f"{made['CaseNumber']}-2")
    documents = call("DocumentService/GetDocuments", CaseNumber=made["CaseNumber"], IncludeCustomFields=True,
                     IncludeFileData=True)["Documents"]
    assert [d["OfficialTitle"] for d in documents] == ["Brev", "Svar"]
    assert [d["Category"] for d in documents] == [{"Recno": 110, "Code": "I", "Description": "Dokument inn"},
                                                  {"Recno": 111, "Code": "U", "Description": "Dokument ut"}]
    assert (documents[0]["StatusCode"], documents[0]["StatusDescription"]) == ("J", "Journalført")
    assert [(f["Title"], f["Format"], f["Base64Data"]) for f in documents[0]["Files"]] == [
        ("brev", "pdf", "JVBERi0xLjQ=")]
    assert documents[0]["CustomFields"] == [{"Name": "CF_SaksrobotId", "Value": "saksrobot:test/1"}]
    assert documents[1]["ReferringDocuments"] == [first["DocumentNumber"]]
    assert [(c["Role"], c["SearchName"], c["Email"]) for c in documents[1]["Contacts"]] == [
        ("Mottaker", "Kari Klager", "k@example.no")]
    by_field = call("DocumentService/GetDocuments", CaseNumber=made["CaseNumber"],
                    AdditionalFields=[{"Name": "CF_SaksrobotId", "Value": "saksrobot:test/1"}])["Documents"]
    assert [d["DocumentNumber"] for d in by_field] == [first["DocumentNumber"]]


def test_a_document_field_the_site_has_not_made_is_refused(call, unit):
    made = new_case(call, unit)
    answer = call("DocumentService/CreateDocument", CaseNumber=made["CaseNumber"], Title="Brev", Category="I",
                  AdditionalFields=[{"Name": "ToExternalId", "Value": "x"}])
    assert answer["Successful"] is False and "Ukjent tilleggsfelt «ToExternalId»" in answer["ErrorMessage"]


@pytest.mark.parametrize(("parameter", "message"), [
    ({"Title": ""}, "Offentlig tittel må fylles ut"),
    ({"CaseType": "Byggesøknad"}, "Ukjent sakstype «Byggesøknad»"),
    ({"ResponsibleEnterpriseRecno": 99999}, "Ukjent ansvarlig enhet"),
    ({"AccessCode": "13"}, "Hjemmel må fylles ut"),
    ({"ArchiveCodes": [{"ArchiveType": "FNR", "ArchiveCode": "03851598731"}]}, "Ugyldig fødselsnummer"),
    ({"Contacts": [{"ReferenceNumber": "03851598730"}]}, "Fant ingen kontakt med referansenummer ***********"),
    ({"UnregisteredContacts": [{"Email": "x@example.no"}]}, "Navn må fylles ut for en uregistrert kontakt"),
])
def test_business_errors_answer_200_with_successful_false(call, unit, parameter, message):
    before = call("CaseService/GetCases", MaxReturnedCases=1)["TotalCount"]
    answer = new_case(call, unit, **parameter)
    assert answer["Successful"] is False and message in answer["ErrorMessage"]
    assert not re.search(r"\d{11}", answer["ErrorMessage"])
    assert call("CaseService/GetCases", MaxReturnedCases=1)["TotalCount"] == before


def test_document_for_unknown_case_is_refused(call):
    answer = call("DocumentService/CreateDocument", CaseNumber="99/99999", Title="x", Category="I")
    assert answer["Successful"] is False and "Fant ikke sak" in answer["ErrorMessage"]


CODE_TABLE = {"parameter": {"CodeTableName": "code table: Access code"}}


@pytest.mark.parametrize("auth", [{}, {"headers": {"Authorization": "authkey wrong", "clientid": "saksrobot"}},
                                  {"params": {"authkey": "wrong"}, "headers": {"clientid": "saksrobot"}},
                                  "no clientid"])
def test_bad_or_missing_key_or_client_id_is_401(sim, auth):
    if auth == "no clientid":
        auth = {"headers": {"Authorization": f"authkey {sim.api_key}"}}
    response = httpx.post(f"{sim.archive_url}{PREFIX}/SupportService/GetCodeTableRows", json=CODE_TABLE, **auth)
    assert response.status_code == 401 and response.json()["Successful"] is False


def test_key_in_query_string_works(sim):
    response = httpx.post(f"{sim.archive_url}{PREFIX}/SupportService/GetCodeTableRows", json=CODE_TABLE,
                          params={"authkey": sim.api_key}, headers={"clientid": sim.client_id})
    assert response.json()["Successful"] is True


def test_unknown_method_is_404(sim):
    response = httpx.post(f"{sim.archive_url}{PREFIX}/CaseService/DeleteEverything", json={"parameter": {}},
                          headers=sim.archive_headers)
    assert response.status_code == 404


def test_contacts_and_code_tables(call):
    person = call("ContactService/SynchronizePrivatePerson", FirstName="Test", LastName="Person",
                  PersonalIdNumber="24920150027")
    found = call("ContactService/GetPrivatePersons", PersonalIdNumber="24920150027")["PrivatePersons"]
    assert found[0]["Recno"] == person["Recno"] and found[0]["FirstName"] == "Test"
    assert call("ContactService/SynchronizeEnterprise", Name="Ny AS", EnterpriseNumber="955001303")["Successful"]
    assert call("ContactService/GetEnterprises", EnterpriseNumber="955001303")["Enterprises"][0]["Name"] == "Ny AS"
    assert call("ContactService/GetEnterprises", EnterpriseNumber="955001303",
                Categories=["recno:1"])["Enterprises"] == []  # not one of the municipality's units
    refused = call("ContactService/SynchronizeEnterprise", Name="Feil AS", EnterpriseNumber="988077918")
    assert refused["Successful"] is False
    statuses = call("SupportService/GetCodeTableRows", CodeTableName="code table: Case status")["CodeTableRows"]
    assert {(r["Code"], r["Description"]) for r in statuses} >= {("B", "Under behandling"), ("A", "Avsluttet"),
                                                                  ("S", "Avsluttet av saksbehandler")}
    assert all(isinstance(r["Recno"], int) and r["IsExpired"] is False for r in statuses)
    journal = {r["Code"] for r in call("SupportService/GetCodeTableRows",
                                       CodeTableName="code table: Journal status")["CodeTableRows"]}
    assert {"J", "F", "E", "A"} <= journal
    unknown = call("SupportService/GetCodeTableRows", CodeTableName="Tilgangskode")
    assert unknown["Successful"] is False
