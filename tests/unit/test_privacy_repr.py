"""No object that holds free text (titles, names, notes, file names) prints that text in ``repr`` or
``str``: Robot Framework logs the values keywords take and return, and log.html is read by many."""

import typing

import pytest
from pydantic import BaseModel

from saksrobot.archive import models as archive
from saksrobot.domain.case_request import CaseRequest
from saksrobot.invoices import model as invoice
from saksrobot.invoices.routing import Reference
from saksrobot.keywords.case_requests import RequestRow
from saksrobot.schooladmin import models as school

SECRET = "Klage fra Kari 03851598730"
SECRET_KEY = "03851598730"


def _filled(cls: type[BaseModel], free_text: tuple[str, ...]) -> BaseModel:
    """An instance whose free-text fields hold SECRET and other texts a code (repr is what is tested)."""
    values = {}
    for name, info in cls.model_fields.items():
        kinds = set(typing.get_args(info.annotation)) | {info.annotation}
        if str in kinds:
            values[name] = SECRET if name in free_text else "KODE"
        elif bytes in kinds:
            values[name] = b"%PDF"
    return cls.model_construct(**values)


FREE_TEXT = {
    archive.NewCase: ("title", "unofficial_title"), archive.Case: ("title", "unofficial_title"),
    archive.NewJournalPost: ("title", "unofficial_title"), archive.FileAttachment: ("title",),
    archive.CaseQuery: ("title",), archive.CaseChanges: ("title", "unofficial_title"),
    archive.UnregisteredParty: ("name", "email"), archive.PrivatePerson: ("first_name", "last_name", "address"),
    CaseRequest: ("title", "unofficial_title", "parties", "classification"), school.Reason: ("text",),
    school.AttachmentInfo: ("title", "filename"), school.Attachment: ("title", "filename"),
    school.Guardian: ("name", "email"), school.Referrer: ("name", "contact_person"),
    school.ReferredChild: ("first_name", "last_name", "address"),
    invoice.Party: ("name", "registration_name", "trading_name"), invoice.Attachment: ("description", "filename"),
    Reference: ("description",),
}


@pytest.mark.parametrize(("cls", "free_text"), FREE_TEXT.items(),
                         ids=lambda c: f"{c.__module__.rsplit('.', 1)[-1]}.{c.__name__}" if isinstance(c, type) else "")
def test_free_text_is_not_in_a_repr(cls, free_text):
    value = _filled(cls, free_text)
    assert SECRET not in repr(value) and SECRET not in str(value)
    assert SECRET_KEY not in repr(value)
    assert repr(value).startswith(cls.__name__)


def test_a_request_row_shows_its_row_and_masked_key_only():
    row = RequestRow(row=2, key=f"PRIV-{SECRET_KEY}", title=SECRET, payload={"Tittel": SECRET})
    assert repr(row) == "RequestRow(row=2, key='PRIV-***********')"
    assert repr([row]) == "[RequestRow(row=2, key='PRIV-***********')]"
