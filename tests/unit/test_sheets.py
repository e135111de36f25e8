import pytest

from saksrobot.errors import BusinessError
from saksrobot.sheets import read_rows, write_rows


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_round_trip(tmp_path, suffix):
    path = write_rows(tmp_path / f"sheet{suffix}", ["Id", "Tittel", "Årsak"],
                      [{"Id": "R1", "Tittel": "Æ ø å"}, {"Id": "R2", "Tittel": "B", "Årsak": "x"}])
    rows = read_rows(path)
    assert [(r["Id"], r["Tittel"]) for r in rows] == [("R1", "Æ ø å"), ("R2", "B")]
    assert rows[1]["Årsak"] == "x"


def test_norwegian_excel_csv_with_semicolons_and_blank_rows(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("\ufeffId;Tittel\nR1;Første\n;\nR2;Andre\n", encoding="utf-8")
    assert [r["Tittel"] for r in read_rows(path)] == ["Første", "Andre"]


@pytest.mark.parametrize(("name", "content", "code"), [
    ("missing.xlsx", None, "file_missing"),
    ("requests.pdf", b"%PDF-1.4", "file_type"),
    ("broken.xlsx", b"not a zip", "file_unreadable"),
])
def test_unreadable_files_are_business_errors(tmp_path, name, content, code):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(BusinessError) as err:
        read_rows(path)
    assert err.value.code == code
