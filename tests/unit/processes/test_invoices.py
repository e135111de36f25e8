"""The invoices process against the real archive simulator (API back-end), item by item as the
work-items library runs it: every file of a mixed inbox ends filed or with finance staff."""

from datetime import date
from decimal import Decimal

import pytest

from saksrobot.demo.ehf import InvoiceFacts, ehf_xml
from saksrobot.demo.invoice_inbox import write_inbox
from saksrobot.errors import BusinessError
from saksrobot.intake import Folder, sha256
from saksrobot.invoices import parse_ehf
from saksrobot.invoices.routing import ReferenceRegister
from saksrobot.invoices.validation import open_validation
from saksrobot.processes.invoices import Invoices, invoice_key
from saksrobot.workitems import State


@pytest.fixture
def process(archive, store, settings, tmp_path):
    invoice_settings = settings.invoices.model_copy(update={"folder": tmp_path / "invoices", "settle_seconds": 0})
    register = ReferenceRegister.load(settings.path(settings.invoices.references))
    return Invoices(archive, store, invoice_settings, register, Folder(tmp_path / "invoices"),
                    open_validation(settings))


def run(process, store):
    outcomes = {}
    while item := store.reserve("invoices"):
        try:
            store.complete(item, process.file(item))
        except BusinessError as exc:
            store.hand_over(item, exc.code, exc.message)
        outcomes[item.payload["source"]["file"]] = store.by_keys("invoices", [item.key])[item.key]
    return outcomes


def test_a_mixed_inbox_ends_filed_or_rejected_with_reasons(process, store, tmp_path):
    expected = write_inbox(tmp_path / "invoices" / "inbox")
    assert len(process.take_in()) == len(expected)
    assert process.take_in() == []  # the same files again: nothing new
    outcomes = run(process, store)
    assert sorted(outcomes) == sorted(expected)
    for name, want in expected.items():
        item = outcomes[name]
        if want.outcome == "filed":
            assert (item.state, item.result["unit"]) == (State.DONE, want.unit), (name, item.reason_text)
        else:
            assert item.state == State.MANUAL and item.reason_code in (want.reason, "not_xml"), (name, item.reason_code)
    credit = outcomes["102-credit-note.xml"].result
    assert credit["corrects"] and credit["corrects"][0].startswith(credit["case_number"])
    assert outcomes["103-credit-note-unknown-invoice.xml"].result["corrects"] == []
    assert any("SAKSROBOT-KID" in w for w in outcomes["101-bad-kid.xml"].result["warnings"])
    assert "Ukjent referanse" in outcomes["104-unknown-reference.xml"].reason_text
    assert not list((tmp_path / "invoices" / "inbox").iterdir())


def test_a_rerun_after_a_crash_files_nothing_twice(process, store, tmp_path, archive):
    write_inbox(tmp_path / "invoices" / "inbox", invoices=5, hostile=False)
    process.take_in()
    item = store.reserve("invoices")
    first = process.file(item)  # filed and moved, then the robot "dies" before completing the item
    again = process.file(item)  # the next run takes the same item up again
    assert (again["document_number"], again["created"]) == (first["document_number"], False)


def test_every_further_delivery_of_a_filed_invoice_is_its_own_duplicate(process, store, tmp_path):
    write_inbox(tmp_path / "invoices" / "inbox", invoices=5, hostile=False)
    process.take_in()
    run(process, store)
    original = tmp_path / "invoices" / "processed" / "001-922001006-20260001.xml"
    keys = []
    for _ in range(3):  # the access point delivers the same file again, three times
        (tmp_path / "invoices" / "inbox" / original.name).write_bytes(original.read_bytes())
        keys += process.take_in()
        outcomes = run(process, store)
        assert outcomes[original.name].reason_code == "duplicate"
    assert len(set(keys)) == 3 and all(k.startswith("922001006:20260001#") for k in keys)
    assert not list((tmp_path / "invoices" / "inbox").iterdir())


def test_a_file_the_archive_refuses_goes_to_rejected_and_a_corrected_one_is_filed(process, store, tmp_path):
    inbox = tmp_path / "invoices" / "inbox"
    facts = InvoiceFacts(number="U-1", supplier=("Nordlys Bygg AS", "922001006"), issued=date(2026, 6, 1),
                         lines=[("Arbeid", Decimal(1), Decimal("100"))], buyer_reference="4010")
    inbox.mkdir(parents=True)
    (inbox.parent / "refs.toml").write_text('[[reference]]\nreference = "4010"\nunit = "Kulturetaten"\n'
                                             'approver = "x@byen.no"\n')
    process.register = ReferenceRegister.load(inbox.parent / "refs.toml")  # a unit the archive does not know
    (inbox / "a.xml").write_bytes(ehf_xml(facts))
    process.take_in()
    outcome = run(process, store)["a.xml"]
    assert (outcome.state, outcome.reason_code) == (State.MANUAL, "unknown_unit")
    assert (tmp_path / "invoices" / "rejected" / "a.xml").exists() and not list(inbox.iterdir())
    process.register = _shipped_register()
    (inbox / "a-corrected.xml").write_bytes(ehf_xml(facts))  # finance fixed the register; sent again
    assert process.take_in() == [f"922001006:U-1#{sha256(ehf_xml(facts))[:10]}"]
    again = run(process, store)["a-corrected.xml"]
    assert again.state == State.DONE  # the first was never filed: this is not a duplicate


def test_very_long_invoice_numbers_make_short_keys():
    doc = parse_ehf(ehf_xml(InvoiceFacts(number="N" * 5000, supplier=("Nordlys Bygg AS", "922001006"),
                                         issued=date(2026, 6, 1), lines=[("x", Decimal(1), Decimal("1"))],
                                         buyer_reference="4010")))
    assert len(invoice_key(doc)) < 100 and invoice_key(doc).startswith("922001006:sha256:")


def _shipped_register():
    from saksrobot.settings import load_settings

    settings = load_settings()
    return ReferenceRegister.load(settings.path(settings.invoices.references))
