"""The contract of the real Public 360 SIF API, kept in ``saksrobot.archive.sif``, against the
published request and response samples: every field name, its nesting and its type, both ways
(nothing missing from our models, nothing in them that the real API lacks)."""

from __future__ import annotations

import types
import typing
from typing import Any

import pytest
from pydantic import BaseModel
from sif_samples import sample

from saksrobot.archive import sif

UNPUBLISHED = "object (shape not published)"  # the samples show {} for these


def sample_shape(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: sample_shape(v) for key, v in value.items()} if value else UNPUBLISHED
    if isinstance(value, list):
        return [sample_shape(value[0])] if value else [UNPUBLISHED]
    return type(value).__name__  # bool, int, float, str


def model_shape(annotation: Any) -> Any:
    if annotation is Any:
        return UNPUBLISHED
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        (inner,) = [a for a in typing.get_args(annotation) if a is not type(None)]
        return model_shape(inner)
    if typing.get_origin(annotation) is list:
        return [model_shape(typing.get_args(annotation)[0])]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return {name: model_shape(field.annotation) for name, field in annotation.model_fields.items()}
    return annotation.__name__


def differences(ours: Any, real: Any, path: str = "") -> list[str]:
    if isinstance(ours, dict) and isinstance(real, dict):
        found = [f"{path}.{k}: not in the real API" for k in ours.keys() - real.keys()]
        found += [f"{path}.{k}: missing from our contract" for k in real.keys() - ours.keys()]
        for key in ours.keys() & real.keys():
            found += differences(ours[key], real[key], f"{path}.{key}")
        return found
    if isinstance(ours, list) and isinstance(real, list):
        return differences(ours[0], real[0], f"{path}[]")
    return [] if ours == real else [f"{path}: ours {ours}, real {real}"]


@pytest.mark.parametrize(("service", "method"), sorted(sif.METHODS), ids="/".join)
def test_arguments_and_answers_are_the_real_ones(service, method):
    arguments, answer = sif.METHODS[(service, method)]
    assert differences(model_shape(arguments), sample_shape(sample(service, f"{method}Args")), "Args") == []
    assert differences(model_shape(answer), sample_shape(sample(service, f"{method}Response")), "Response") == []


def test_the_comparison_finds_a_misspelt_a_missing_and_a_mistyped_field():
    class Wrong(BaseModel):
        Referencenumber: str | None = None  # the real request says ReferenceNumber
        IsUnofficial: str | None = None  # a bool

    real = sample_shape({"Role": "string", "ReferenceNumber": "string", "IsUnofficial": True})
    assert sorted(differences(model_shape(Wrong), real)) == [
        ".IsUnofficial: ours str, real bool", ".ReferenceNumber: missing from our contract",
        ".Referencenumber: not in the real API", ".Role: missing from our contract"]


def test_requests_refuse_arguments_the_real_api_does_not_have():
    arguments, _ = sif.METHODS[("DocumentService", "CreateDocument")]
    with pytest.raises(ValueError, match="ExternalId"):
        arguments.model_validate({"CaseNumber": "26/00001", "ExternalId": {"Id": "x", "Type": "y"}})
    with pytest.raises(ValueError, match="ExternalId"):  # a bare string where the API wants {Id, Type}
        sif.METHODS[("CaseService", "GetCases")][0].model_validate({"ExternalId": "saksrobot:x"})


def test_every_call_the_client_makes_is_in_the_contract_with_its_real_arguments():
    """The api back-end through all it does, against a fake boundary that checks each request."""
    import json
    from datetime import date

    import httpx

    from saksrobot.archive import (
        CaseChanges,
        CaseQuery,
        Enterprise,
        ExternalId,
        FileAttachment,
        NewCase,
        NewJournalPost,
        Party,
        PrivatePerson,
        UnregisteredParty,
    )
    from saksrobot.archive.api import ApiArchive
    from saksrobot.settings import load_settings

    called = []
    answers = {"GetCases": {"Cases": []}, "GetEnterprises": {"Enterprises": [{"Recno": 3, "Name": "Byarkivet"}]},
               "GetCodeTableRows": {"CodeTableRows": [{"Code": "I", "Description": "Dokument inn"}]},
               "GetDocuments": {"Documents": []}, "CreateCase": {"Recno": 1, "CaseNumber": "26/00001"},
               "CreateDocument": {"Recno": 2, "DocumentNumber": "26/00001-1"}}

    def handler(request: httpx.Request) -> httpx.Response:
        service, method = request.url.path.split("/")[-2:]
        body = json.loads(request.content)
        assert set(body) == {"parameter"}
        sif.METHODS[(service, method)][0].model_validate(body["parameter"])  # refuses what the real API lacks
        called.append((service, method))
        return httpx.Response(200, json={"Successful": True, **answers.get(method, {"Recno": 9})})

    archive = ApiArchive(load_settings(archive={"api_key": "k", "retries": 0}), transport=httpx.MockTransport(handler))
    key = ExternalId.of("tests", "K-1")
    archive.create_case(NewCase(title="Sak", case_type="Sak", responsible_unit="Byarkivet", external_id=key,
                                parties=(Party(reference="974760673", unofficial=False),),
                                unregistered_parties=(UnregisteredParty(name="Kari", email="k@example.no"),)))
    archive.find_cases(CaseQuery(case_number="26/00001", contact_reference="974760673", archive_code="B31",
                                 title="S%", case_type="Sak"))
    archive.create_journal_post(NewJournalPost(
        case_number="26/00001", title="Brev", document_date=date(2026, 11, 30), external_id=key,
        responsible_unit="Byarkivet", responsible_person="a@example.no", referring_documents=("26/00001-1",),
        contacts=(Party(reference="974760673", role="Avsender", unofficial=False),),
        unregistered_contacts=(UnregisteredParty(name="Kari", role="Avsender"),),
        files=(FileAttachment(title="brev", format="pdf", data=b"%PDF"),)))
    archive.update_case("26/00001", CaseChanges(status="A"))
    archive.synchronize_person(PrivatePerson(personal_id_number="03851598730", first_name="A", last_name="B",
                                             address="Vei 1"))
    archive.synchronize_enterprise(Enterprise(enterprise_number="974760673", name="Brreg"))
    assert set(called) == set(sif.METHODS) - {("ContactService", "GetPrivatePersons")}
