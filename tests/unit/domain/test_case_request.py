import pytest

from saksrobot.domain.case_request import CaseRequest, InvalidRequest

ROW = {"Id": "REQ-1", "Tittel": "Byggesak Storgata 1", "Sakstype": "Sak", "Ansvarlig enhet": "Byarkivet",
       "Klassering": "FNR:03851598730; B31", "Tilgangskode": "13", "Hjemmel": "Offl. § 13",
       "Parter": "03851598730;974760673"}


def test_row_becomes_a_case_with_the_request_id_as_external_id():
    case = CaseRequest.from_row(ROW).to_new_case()
    assert case.external_id.id == "REQ-1" and case.external_id.type == "saksrobot:archive_cases"
    assert [(c.archive_type, c.code, c.sort, c.is_manual_text) for c in case.archive_codes] == [
        ("FNR", "03851598730", 1, True), ("FAGKLASSE PRINSIPP", "B31", 2, False)]
    assert [(p.reference, p.unofficial) for p in case.parties] == [("03851598730", True), ("974760673", False)]
    assert case.access_code == "13"


def test_blank_access_code_means_open_and_numbers_from_excel_are_text():
    request = CaseRequest.from_row(ROW | {"Tilgangskode": "", "Id": 42.0})
    assert request.access_code == "U"
    assert request.request_id == "42"


@pytest.mark.parametrize(("change", "reason"), [
    ({"Tittel": ""}, "Tittel mangler"),
    ({"Tittel": None, "Sakstype": "  "}, "Tittel mangler; Sakstype mangler"),
    ({"Ansvarlig enhet": None}, "Ansvarlig enhet mangler"),
    ({"Parter": "03851598731"}, "Parter: ugyldig fødselsnummer: kontrollsifrene stemmer ikke"),
    ({"Parter": "988077918"}, "Parter: ugyldig organisasjonsnummer eller fødselsnummer"),
    ({"Klassering": "FNR:29020105729"}, "Klassering: ugyldig fødselsnummer: datoen finnes ikke"),
])
def test_invalid_rows_name_the_column(change, reason):
    with pytest.raises(InvalidRequest) as err:
        CaseRequest.from_row(ROW | change)
    assert str(err.value) == reason


def test_synthetic_numbers_can_be_refused():
    with pytest.raises(InvalidRequest, match="syntetiske"):
        CaseRequest.from_row(ROW, allow_synthetic_fnr=False)


def test_repr_and_errors_hide_identity_numbers():
    request = CaseRequest.from_row(ROW)
    assert "03851598730" not in repr(request) and "03851598730" not in repr(request.to_new_case())
    with pytest.raises(InvalidRequest) as err:
        CaseRequest.from_row(ROW | {"Parter": "03851598731"})
    assert "03851598731" not in str(err.value)
