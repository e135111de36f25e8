"""The examples of the keyword documentation, as Robot Framework code: each library's and each
keyword's ``Example:`` table, one block per example, ready to run in a suite."""

from __future__ import annotations

import re
from dataclasses import dataclass

from robot.libdocpkg import LibraryDocumentation

ARGUMENTS = {"WorkItemsLibrary": "process=examples", "FolderIntakeLibrary": "${INBOX}    settle_seconds=0"}
SETTING = re.compile(r"^(\[\w+\]|Suite Setup|Suite Teardown|Test Setup|Test Teardown)$")


@dataclass(frozen=True)
class Example:
    library: str
    keyword: str  # "" for the library's own example
    lines: tuple[str, ...]  # Robot Framework lines, four-space separated, without indentation

    @property
    def name(self) -> str:
        return f"{self.library} {self.keyword or '(library)'}"


def _line(row: str) -> str | None:
    cells = [c.strip() for c in row.strip().strip("|").split("|")]
    cells = [re.sub(r"`([^`]+)`", r"\1", c) for c in cells]
    while cells and not cells[-1]:
        cells.pop()
    if cells and SETTING.match(cells[0]):  # "[Teardown] | Close Archive": the keyword is the example
        cells = cells[1:]
    cells = [c for c in cells if not c.startswith("#")]  # comments
    if not cells:
        return None
    if cells[0] == "":  # a continued FOR/IF body: indentation in the table
        cells = [c for c in cells if c]
    return "    ".join(c if c else "${EMPTY}" for c in cells)


def examples(library: str) -> list[Example]:
    arguments = ARGUMENTS.get(library, "").replace("${INBOX}", "inbox").replace("    ", "::")
    doc = LibraryDocumentation(f"saksrobot.keywords.{library}" + (f"::{arguments}" if arguments else ""))
    found = []
    for name, text in [("", doc.doc), *((kw.name, kw.doc) for kw in doc.keywords)]:
        if "Example:" not in text:
            continue
        rows = [r for r in text.split("Example:", 1)[1].splitlines() if r.strip().startswith("|")]
        lines = tuple(line for line in map(_line, rows) if line)
        if lines:
            found.append(Example(library, name, lines))
    return found


def suite(library_examples: dict[str, list[Example]], settings: str, keywords: str = "",
          expect_error: dict[str, str] | None = None) -> str:
    """A suite with a test per example; an example named in ``expect_error`` must fail with that
    message pattern (a keyword whose point is to end the item, like `Hand Over To Archive Staff`)."""
    tests = []
    for found in library_examples.values():
        for example in found:
            body = "\n".join(f"    {line}" for line in example.lines)
            pattern = (expect_error or {}).get(example.name)
            if pattern is not None:
                kw = f"Example {len(tests)}"
                keywords += f"\n{kw}\n{body}\n"
                body = f"    Run Keyword And Expect Error    {pattern}    {kw}"
            tests.append(f"{example.name}\n{body}\n")
    return f"*** Settings ***\n{settings}\n\n*** Test Cases ***\n" + "\n".join(tests) + (
        f"\n*** Keywords ***\n{keywords}" if keywords else "")
