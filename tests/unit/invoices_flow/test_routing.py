import pytest

from saksrobot.errors import ConfigurationError
from saksrobot.invoices.routing import Reference, ReferenceRegister, UnknownReference
from saksrobot.settings import load_settings


@pytest.fixture
def register():
    return ReferenceRegister([Reference(reference="4010", unit="Teknisk drift", approver="tor@byen.no"),
                              Reference(reference="PO-77", unit="Økonomiavdelingen", approver="oskar@byen.no"),
                              Reference(reference="Prosjekt 7700", unit="Teknisk drift", approver="tor@byen.no")])


def test_buyer_reference_then_order_reference_then_accounting_cost(register):
    assert register.route("4010", "PO-77", None).matched_by == "BuyerReference"
    route = register.route("ukjent", "po-77 ", "Prosjekt 7700")
    assert (route.unit, route.approver, route.matched_by) == ("Økonomiavdelingen", "oskar@byen.no", "OrderReference")
    assert register.route(None, None, "prosjekt  7700").matched_by == "AccountingCost"


def test_an_unknown_reference_names_every_reference_given(register):
    with pytest.raises(UnknownReference, match="Ukjent referanse: BuyerReference «9999», OrderReference «X»"):
        register.route("9999", "X", None)
    with pytest.raises(UnknownReference, match="ingen referanse"):
        register.route(None, None, None)


def test_the_shipped_register_loads_and_bad_files_fail_fast(tmp_path):
    settings = load_settings()
    assert len(ReferenceRegister.load(settings.path(settings.invoices.references))) >= 5
    bad = tmp_path / "refs.toml"
    bad.write_text('[[reference]]\nreference = "1"\nunit = "A"\n')
    with pytest.raises(ConfigurationError, match="approver"):
        ReferenceRegister.load(bad)
    bad.write_text('[[reference]]\nreference = "1"\nunit = "A"\napprover = "x"\n' * 2)
    with pytest.raises(ConfigurationError, match="twice"):
        ReferenceRegister.load(bad)
    with pytest.raises(ConfigurationError, match="does not exist"):
        ReferenceRegister.load(tmp_path / "missing.toml")
