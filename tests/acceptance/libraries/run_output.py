"""Reading what a robot run wrote, for the privacy scans of the acceptance tests."""

from __future__ import annotations

import base64
import re
import zlib
from pathlib import Path

JS_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')
LOG_STRINGS = re.compile(r'window\.output\["strings"\] = window\.output\["strings"\]\.concat\((\[.*?\])\);')


def readable_text(file: Path) -> str:
    """A file's text; for Robot Framework's log.html/report.html also the compressed strings."""
    text = file.read_bytes().decode("utf-8", "replace")
    if file.suffix == ".html":
        for chunk in LOG_STRINGS.findall(text):
            for item in JS_STRING.findall(chunk):
                if not item.startswith("*"):  # "*..." is stored as it is, the rest zlib + base64
                    text += "\n" + zlib.decompress(base64.b64decode(item)).decode("utf-8", "replace")
    return text


def leaks(output_dirs: list[Path], numbers: set[str]) -> list[str]:
    """``run-folder/file`` for every file under ``output_dirs`` that holds one of ``numbers`` in its
    text, in Robot Framework's compressed log data or in a result sheet's cells."""
    from saksrobot import sheets  # (the acceptance suites import this module before the package path is set)

    found = []
    for folder in output_dirs:
        for file in (f for f in folder.rglob("*") if f.is_file()):
            text = readable_text(file)
            if file.suffix == ".xlsx":
                text += repr(sheets.read_rows(file))
            found += [f"{folder.name}/{file.name}" for n in numbers if n in text]
    return sorted(set(found))
