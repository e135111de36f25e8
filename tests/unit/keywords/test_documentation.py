"""Every keyword library and keyword is documented, with an example (as libdoc shows it)."""

import pytest
from robot.libdocpkg import LibraryDocumentation

from saksrobot import keywords

ARGUMENTS = {"WorkItemsLibrary": "::process=archive_cases", "FolderIntakeLibrary": "::var/eksempel"}


def library_doc(name: str) -> LibraryDocumentation:
    return LibraryDocumentation(f"saksrobot.keywords.{name}{ARGUMENTS.get(name, '')}")


@pytest.mark.parametrize("name", keywords.__all__)
def test_every_keyword_is_documented_with_an_example(name):
    doc = library_doc(name)
    assert doc.doc.strip(), f"{name} has no library documentation"
    assert doc.keywords, f"{name} has no keywords"
    for kw in doc.keywords:
        assert kw.doc.strip(), f"{name}.{kw.name} has no documentation"
        assert "Example:" in kw.doc, f"{name}.{kw.name} has no example"


def test_make_docs_writes_html_per_library(tmp_path):
    from typer.testing import CliRunner

    from saksrobot.cli import app

    result = CliRunner().invoke(app, ["docs", "--output", str(tmp_path)])
    assert result.exit_code == 0, result.output
    for name in keywords.__all__:
        html = (tmp_path / f"{name}.html").read_text(encoding="utf-8")
        assert "libdoc" in html
