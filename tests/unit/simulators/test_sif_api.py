"""Contract tests of the archive simulator's SIF API, over HTTP against a running server."""

import re

import httpx
import pytest

from saksrobot.simulators.archive.seed import DEMO_ENTERPRISES, DEMO_PERSONS

PREFIX = "/Biz/v2/api/call/SI.Data.RPC/SI.Data.RPC"
P13 = "Offl. § 13 jf. fvl. § 13 (1) nr.1"


@pytest.fixture(scope="module")
def sim(sims):
    return sims


@pytest.fixture
def call(sim):
    client = httpx.Client(base_url=sim.archive_url + PREFIX, headers={"Authorization": f"authkey {sim.api_key}"})

    def rpc(service_method: str, **parameter):
        response = client.post(f"/{service_method}", json={"parameter": parameter})
        assert response.status_code == 200, response.text
        return response.json()
    yield rpc
    client.close()


@pytest.fixture
def unit(call):
    return call("ContactService/GetEnterprises", Name="Byarkivet", IsInternal=True)["Enterprises"][0]["Recno"]


def new_case(call, unit, **extra):
    return call("CaseService/CreateCase", **{"Title": "Testsak", "CaseType": "Sak", "ResponsibleEnterpriseRecno": unit,
                                             **extra})


def test_case_numbers_are_yy_nnnnn_and_sequential(call, unit):
    first, second = new_case(call, unit), new_case(call, unit)
    assert first["Successful"] and second["Successful"]
    assert re.fullmatch(r"\d{2}/\d{5}", first["CaseNumber"])
    year, seq = first["CaseNumber"].split("/")
    assert second["CaseNumber"] == f"{year}/{int(seq) + 1:05d}"


def test_create_then_get_cases_returns_every_field(call, unit):
    fnr = DEMO_PERSONS[0]
    made = new_case(call, unit, UnofficialTitle="Testsak - Ola", SubArchive="Sakarkiv", AccessCode="13",
                    Paragraph=P13, AccessGroup="Byarkivet", ExternalId={"Id": "contract-1", "Type": "test"},
                    ArchiveCodes=[{"ArchiveType": "FNR", "ArchiveCode": fnr, "Sort": 1, "IsManualText": True}],
                    Contacts=[{"Role": "Sakspart", "ReferenceNumber": fnr, "IsUnofficial": True}])
    found = call("CaseService/GetCases", ExternalId={"Id": "contract-1", "Type": "test"})
    assert found["TotalCount"] == 1
    case = found["Cases"][0]
    assert case["CaseNumber"] == made["CaseNumber"] and case["Recno"] == made["Recno"]
    assert (case["Title"], case["UnofficialTitle"], case["CaseTypeCode"], case["Status"]) == (
        "Testsak", "Testsak - Ola", "Sak", "Under behandling")
    assert (case["AccessCodeCode"], case["Paragraph"], case["AccessGroup"]) == ("13", P13, "Byarkivet")
    assert case["ResponsibleEnterprise"]["Name"] == "Byarkivet"
    assert case["ArchiveCodes"][0]["ArchiveCode"] == fnr
    assert case["Contacts"] == [{"Role": "Sakspart", "ReferenceNumber": fnr, "IsUnofficial": True}]
    for flt in ({"CaseNumber": made["CaseNumber"]}, {"ContactReferenceNumber": fnr}, {"ArchiveCode": fnr},
                {"Title": "Test%", "CaseType": "Sak"}, {"ExternalId": "contract-1"}):
        assert made["CaseNumber"] in [c["CaseNumber"] for c in call("CaseService/GetCases", **flt)["Cases"]], flt


def test_get_cases_pages(call, unit):
    for _ in range(3):
        new_case(call, unit, Title="Sidetest")
    page = call("CaseService/GetCases", Title="Sidetest", MaxReturnedCases=2, Page=1)
    assert page["TotalCount"] >= 3 and page["TotalPageCount"] >= 2 and len(page["Cases"]) >= 1


def test_duplicate_external_id_is_allowed_as_in_the_real_system(call, unit):
    new_case(call, unit, ExternalId={"Id": "dup", "Type": "t"})
    new_case(call, unit, ExternalId={"Id": "dup", "Type": "t"})
    assert call("CaseService/GetCases", ExternalId="dup")["TotalCount"] == 2


def test_update_case_closes_it(call, unit):
    made = new_case(call, unit)
    assert call("CaseService/UpdateCase", CaseNumber=made["CaseNumber"], Status="AS")["Successful"]
    case = call("CaseService/GetCases", CaseNumber=made["CaseNumber"])["Cases"][0]
    assert case["Status"] == "Avsluttet av saksbehandler"


def test_documents_are_numbered_within_the_case(call, unit):
    made = new_case(call, unit)
    first = call("DocumentService/CreateDocument", CaseNumber=made["CaseNumber"], Title="Brev", Category="Dokument inn",
                 Contacts=[{"Role": "Avsender", "ReferenceNumber": DEMO_ENTERPRISES[0]}],
                 Files=[{"Title": "brev", "Format": "pdf", "Base64Data": "JVBERi0xLjQ="}])
    second = call("DocumentService/CreateDocument", CaseNumber=made["CaseNumber"], Title="Svar", Category="Dokument ut")
    assert (first["DocumentNumber"], second["DocumentNumber"]) == (f"{made['CaseNumber']}-1", f"{made['CaseNumber']}-2")
    documents = call("DocumentService/GetDocuments", CaseNumber=made["CaseNumber"])["Documents"]
    assert [d["Title"] for d in documents] == ["Brev", "Svar"]
    assert documents[0]["Files"] == [{"Title": "brev", "Format": "pdf", "Status": "F", "VersionFormat": "A", "Size": 8}]


@pytest.mark.parametrize(("parameter", "message"), [
    ({"Title": ""}, "Offentlig tittel må fylles ut"),
    ({"CaseType": "Byggesøknad"}, "Ukjent sakstype «Byggesøknad»"),
    ({"ResponsibleEnterpriseRecno": 99999}, "Ukjent ansvarlig enhet"),
    ({"AccessCode": "13"}, "Hjemmel må fylles ut"),
    ({"ArchiveCodes": [{"ArchiveType": "FNR", "ArchiveCode": "03851598731"}]}, "Ugyldig fødselsnummer"),
    ({"Contacts": [{"ReferenceNumber": "03851598730"}]}, "Fant ingen kontakt med referansenummer ***********"),
])
def test_business_errors_answer_200_with_successful_false(call, unit, parameter, message):
    before = call("CaseService/GetCases", MaxReturnedCases=1)["TotalCount"]
    answer = new_case(call, unit, **parameter)
    assert answer["Successful"] is False and message in answer["ErrorMessage"]
    assert not re.search(r"\d{11}", answer["ErrorMessage"])
    assert call("CaseService/GetCases", MaxReturnedCases=1)["TotalCount"] == before


def test_document_for_unknown_case_is_refused(call):
    answer = call("DocumentService/CreateDocument", CaseNumber="99/99999", Title="x")
    assert answer["Successful"] is False and "Fant ikke sak" in answer["ErrorMessage"]


@pytest.mark.parametrize("auth", [{}, {"headers": {"Authorization": "authkey wrong"}},
                                  {"params": {"authkey": "wrong"}}])
def test_bad_or_missing_key_is_401(sim, auth):
    response = httpx.post(f"{sim.archive_url}{PREFIX}/SupportService/Ping", json={"parameter": {}}, **auth)
    assert response.status_code == 401


def test_key_in_query_string_works(sim):
    response = httpx.post(f"{sim.archive_url}{PREFIX}/SupportService/Ping", params={"authkey": sim.api_key},
                          json={"parameter": {}})
    assert response.json()["Successful"] is True


def test_unknown_method_is_404(sim):
    response = httpx.post(f"{sim.archive_url}{PREFIX}/CaseService/DeleteEverything", json={"parameter": {}},
                          headers={"Authorization": f"authkey {sim.api_key}"})
    assert response.status_code == 404


def test_contacts_and_code_tables(call):
    person = call("ContactService/SynchronizePrivatePerson", FirstName="Test", LastName="Person",
                  PersonalIdNumber="24920150027")
    found = call("ContactService/GetPrivatePersons", PersonalIdNumber="24920150027")["PrivatePersons"]
    assert found[0]["Recno"] == person["Recno"] and found[0]["FirstName"] == "Test"
    assert call("ContactService/SynchronizeEnterprise", Name="Ny AS", EnterpriseNumber="955001303")["Successful"]
    assert call("ContactService/GetEnterprises", EnterpriseNumber="955001303")["Enterprises"][0]["Name"] == "Ny AS"
    refused = call("ContactService/SynchronizeEnterprise", Name="Feil AS", EnterpriseNumber="988077918")
    assert refused["Successful"] is False
    codes = {r["Code"] for r in call("SupportService/GetCodeTableRows", CodeTableName="Tilgangskode")["Rows"]}
    assert {"U", "13"} <= codes
