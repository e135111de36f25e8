"""The api back-end's error mapping and idempotency, with the HTTP boundary faked (httpx.MockTransport).
The same behaviour against the real simulator is covered in tests/unit/simulators and the acceptance suite."""

import json

import httpx
import pytest

from saksrobot.archive import CaseQuery, ExternalId, NewCase
from saksrobot.archive.api import ApiArchive
from saksrobot.errors import ApplicationError, BusinessError, ConfigurationError
from saksrobot.settings import load_settings

CASE = NewCase(title="Byggesak", case_type="Sak", responsible_unit="Byarkivet",
               external_id=ExternalId.of("archive_cases", "R1"))
INVOICE_CASE = CASE.model_copy(update={"external_id": ExternalId.of("invoices", "974760673:2025")})


def archive_answering(handler):
    settings = load_settings(archive={"api_key": "k", "retries": 2, "retry_backoff_seconds": 0})
    return ApiArchive(settings, transport=httpx.MockTransport(handler))


def sif(request: httpx.Request) -> tuple[str, dict]:
    return request.url.path.rsplit("/", 2)[-2] + "/" + request.url.path.rsplit("/", 1)[-1], \
        json.loads(request.content)["parameter"]


def test_create_looks_up_the_external_id_first_and_returns_the_existing_case():
    calls = []

    def handler(request):
        method, parameter = sif(request)
        calls.append((method, parameter))
        assert (request.headers["Authorization"], request.headers["clientid"]) == ("authkey k", "saksrobot")
        if method == "CaseService/GetCases":
            return httpx.Response(200, json={"Successful": True, "Cases": [
                {"Recno": 7, "CaseNumber": "26/00007", "ExternalId": {"Id": "R1", "Type": "saksrobot:archive_cases"}}]})
        raise AssertionError(f"unexpected {method}")

    result = archive_answering(handler).create_case(CASE)
    assert (result.case_number, result.created) == ("26/00007", False)
    assert calls == [("CaseService/GetCases", {"ExternalId": {"Id": "R1", "Type": "saksrobot:archive_cases"},
                                               "MaxReturnedCases": 1})]


def test_a_case_made_before_0_2_is_found_by_the_old_form_of_its_external_id():
    asked = []

    def handler(request):
        method, parameter = sif(request)
        asked.append(parameter["ExternalId"])
        old = parameter["ExternalId"] == {"Id": "invoices:974760673:2025", "Type": "saksrobot"}
        return httpx.Response(200, json={"Successful": True, "Cases": [
            {"Recno": 5, "CaseNumber": "25/00005", "ExternalId": parameter["ExternalId"]}] if old else []})

    result = archive_answering(handler).create_case(INVOICE_CASE)
    assert (result.case_number, result.created) == ("25/00005", False)
    assert asked == [{"Id": "974760673:2025", "Type": "saksrobot:invoices"},
                     {"Id": "invoices:974760673:2025", "Type": "saksrobot"}]
    assert ExternalId.of("archive_cases", "R1").legacy is None  # that robot always wrote today's form


def test_create_when_not_found_sends_the_sif_fields():
    sent = {}

    def handler(request):
        method, parameter = sif(request)
        if method == "CaseService/GetCases":
            return httpx.Response(200, json={"Successful": True, "Cases": []})
        if method == "ContactService/GetEnterprises":
            return httpx.Response(200, json={"Successful": True, "Enterprises": [{"Recno": 3, "Name": "Byarkivet"}]})
        sent.update(parameter)
        return httpx.Response(200, json={"Successful": True, "Recno": 9, "CaseNumber": "26/00009"})

    result = archive_answering(handler).create_case(CASE)
    assert (result.case_number, result.created) == ("26/00009", True)
    assert sent["ResponsibleEnterpriseRecno"] == 3
    assert sent["ExternalId"] == {"Id": "R1", "Type": "saksrobot:archive_cases"}
    assert sent["Status"] == "B" and sent["AccessCode"] == "U" and "Paragraph" not in sent


def test_server_errors_are_retried_then_reported_as_application_errors():
    calls = []

    def handler(request):
        calls.append(1)
        return httpx.Response(500, text="Intern serverfeil")

    with pytest.raises(ApplicationError, match="HTTP 500"):
        archive_answering(handler).create_case(CASE)
    assert len(calls) == 3  # one try + two retries


def test_unreachable_archive_is_an_application_error():
    def handler(request):
        raise httpx.ConnectError("refused")

    with pytest.raises(ApplicationError, match="svarer ikke"):
        archive_answering(handler).find_cases(CaseQuery())


def test_refusal_is_a_business_error_with_the_archives_reason_masked():
    def handler(request):
        return httpx.Response(200, json={"Successful": False, "ErrorMessage": "Ukjent kontakt 03851598730",
                                         "ErrorDetails": "unknown_contact"})

    with pytest.raises(BusinessError) as err:
        archive_answering(handler).create_case(CASE)
    assert (err.value.code, err.value.message) == ("archive_refused", "Ukjent kontakt ***********")


def test_wrong_api_key_is_a_configuration_error_not_retried():
    calls = []

    def handler(request):
        calls.append(1)
        return httpx.Response(401)

    with pytest.raises(ConfigurationError, match="api_key"):
        archive_answering(handler).create_case(CASE)
    assert len(calls) == 1


def test_missing_api_key_fails_at_open():
    with pytest.raises(ConfigurationError, match="archive.api_key"):
        ApiArchive(load_settings())


def test_unknown_unit_is_a_business_error():
    def handler(request):
        method, _ = sif(request)
        if method == "CaseService/GetCases":
            return httpx.Response(200, json={"Successful": True, "Cases": []})
        return httpx.Response(200, json={"Successful": True, "Enterprises": []})

    with pytest.raises(BusinessError, match="Ukjent enhet «Byarkivet»"):
        archive_answering(handler).create_case(CASE)
