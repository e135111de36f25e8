"""An item's first attempt creates without the look-up by external id; every other create looks
up first (a retry within the attempt too). The api back-end with the HTTP boundary faked; the UI
back-end shares the code (saksrobot.archive.client), and the robots' first runs are measured
against the simulators in tests/acceptance/test_lookups_on_first_attempt.py."""

import httpx
from test_api_backend import CASE, archive_answering, sif

from saksrobot.archive import ExternalId, NewJournalPost
from saksrobot.archive.first_attempt import first_attempt

POST = NewJournalPost(case_number="26/00009", title="Brev", external_id=ExternalId.of("archive_cases", "R1"))


def recording(fail_first_create: bool = False):
    calls = []

    def handler(request):
        method, _ = sif(request)
        calls.append(method)
        if method in ("CaseService/GetCases", "DocumentService/GetDocuments"):
            return httpx.Response(200, json={"Successful": True, "Cases": [], "Documents": []})
        if method == "ContactService/GetEnterprises":
            return httpx.Response(200, json={"Successful": True, "Enterprises": [{"Recno": 3, "Name": "Byarkivet"}]})
        if method == "SupportService/GetCodeTableRows":
            return httpx.Response(200, json={"Successful": True,
                                             "CodeTableRows": [{"Code": "I", "Description": "Dokument inn"}]})
        if fail_first_create and calls.count(method) == 1:
            return httpx.Response(503, text="Opptatt")
        if method == "DocumentService/CreateDocument":
            return httpx.Response(200, json={"Successful": True, "Recno": 11, "DocumentNumber": "26/00009-1"})
        return httpx.Response(200, json={"Successful": True, "Recno": 9, "CaseNumber": "26/00009"})

    return archive_answering(handler), calls


def creates(calls: list[str]) -> list[str]:
    return [c for c in calls if c not in ("ContactService/GetEnterprises", "SupportService/GetCodeTableRows")]


def test_the_first_attempt_creates_without_looking_up():
    archive, calls = recording()
    with first_attempt(CASE.external_id):
        assert archive.create_case(CASE).created
    assert creates(calls) == ["CaseService/CreateCase"]


def test_a_later_attempt_looks_up_first():
    archive, calls = recording()
    assert archive.create_case(CASE).created
    assert creates(calls) == ["CaseService/GetCases", "CaseService/CreateCase"]


def test_a_retry_within_the_first_attempt_looks_up_first():
    archive, calls = recording(fail_first_create=True)
    with first_attempt(CASE.external_id):
        assert archive.create_case(CASE).created
    assert creates(calls) == ["CaseService/CreateCase", "CaseService/GetCases", "CaseService/CreateCase"]


def test_only_the_items_own_id_and_only_once():
    archive, calls = recording()
    with first_attempt(ExternalId.of("archive_cases", "another")):
        archive.create_case(CASE)
    assert creates(calls)[0] == "CaseService/GetCases"
    calls.clear()
    with first_attempt(CASE.external_id):
        archive.create_case(CASE)
        archive.create_case(CASE)  # the same id again in the same attempt: it may exist now
    assert creates(calls) == ["CaseService/CreateCase", "CaseService/GetCases", "CaseService/CreateCase"]


def test_journal_posts_alike():
    archive, calls = recording()
    with first_attempt(POST.external_id):
        assert archive.create_journal_post(POST).created
    assert archive.create_journal_post(POST).created
    assert [c for c in calls if c.startswith("DocumentService/Get")] == ["DocumentService/GetDocuments"]
