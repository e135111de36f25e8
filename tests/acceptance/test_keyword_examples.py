"""Every example in the keyword documentation works as written. The examples of the libraries a
robot writer builds handlers from (archive, work items, folder intake) run for real against the
simulators, in one Robot Framework suite; the examples of every library pass Robot Framework's
dry run (keywords and arguments as the libraries have them)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from keyword_examples import ARGUMENTS, examples, suite
from saksrobot import keywords
from saksrobot.demo import robot_environment
from saksrobot.settings import load_settings

RUN_FOR_REAL = ("ArchiveLibrary", "WorkItemsLibrary", "FolderIntakeLibrary")
# examples whose point is to end the handling of an item: they must fail, with the reason
ENDING = {"WorkItemsLibrary Hand Over To Archive Staff": "BusinessError: Søknaden mangler tiltakshaver",
          "WorkItemsLibrary Retry Later": "ApplicationError: Saken er låst av en saksbehandler"}

CONTEXT = '''
"""What the examples take for granted: a case, a payload, an item taken in from a folder."""

from robot.libraries.BuiltIn import BuiltIn


def prepare():
    builtin = BuiltIn()
    archive = builtin.get_library_instance("saksrobot.keywords.ArchiveLibrary")
    archive.open_archive()
    case = archive.create_case("Byggesak Storgata 1", "Sak", "Byarkivet", external_id="REQ-0042")
    intake = builtin.get_library_instance("saksrobot.keywords.FolderIntakeLibrary")
    intake.add_work_items_for_files()
    work = builtin.get_library_instance("saksrobot.keywords.WorkItemsLibrary")
    item = work.store.reserve(work.process)
    for name, value in {"case": case, "item": item, "payload": {"Tittel": "Søknad"}, "application": {}}.items():
        builtin.set_suite_variable("${%s}" % name, value)
'''

HANDLER = '''Create Case For Request
    [Arguments]    ${item}
    ${case}=    Create Case    title=Søknad    case_type=Sak    responsible_unit=Byarkivet    external_id=${item.key}
    RETURN    ${case}
'''


def library_import(name: str) -> str:
    return f"Library    saksrobot.keywords.{name}" + (f"    {ARGUMENTS[name]}" if name in ARGUMENTS else "")


def run_suite(folder: Path, text: str, env: dict[str, str], *options: str) -> subprocess.CompletedProcess:
    (folder / "examples.robot").write_text(text, encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "robot", "--outputdir", str(folder / "out"), *options,
                           str(folder / "examples.robot")], capture_output=True, text=True, cwd=folder, env=env,
                          timeout=900)


def test_the_examples_of_the_handler_libraries_run_as_written(tmp_path, sims):
    import httpx
    httpx.post(f"{sims.archive_url}/_sim/reset", headers={"Authorization": f"authkey {sims.api_key}"})
    for pdf in ("søknad.pdf", "henvisning.pdf"):
        (tmp_path / pdf).write_bytes(b"%PDF-1.4 example")
    (tmp_path / "inbox" / "inbox").mkdir(parents=True)
    (tmp_path / "inbox" / "inbox" / "s1.json").write_text(json.dumps({"soknadsnummer": "S-1"}), encoding="utf-8")
    (tmp_path / "Context.py").write_text(CONTEXT, encoding="utf-8")
    settings = load_settings(logs_dir=tmp_path / "logs")
    database = f"sqlite:///{tmp_path}/db.sqlite"
    env = {**__import__("os").environ, **robot_environment(settings, sims, database_url=database)}
    imports = "\n".join(library_import(name) for name in RUN_FOR_REAL)
    text = suite({name: examples(name) for name in RUN_FOR_REAL},
                 f"{imports}\nLibrary    Context.py\nSuite Setup    Prepare\nTest Setup    Open Archive\n\n"
                 "*** Variables ***\n"
                 f"${{INBOX}}    {tmp_path / 'inbox'}", HANDLER, ENDING)
    result = run_suite(tmp_path, text, env)
    assert result.returncode == 0, result.stdout[-4000:]
    assert text.count("\n    ") > 30  # the examples are there (not an empty suite passing)


def test_the_examples_of_every_library_pass_the_dry_run(tmp_path):
    """One test per example (named after its library and keyword), in one dry run."""
    imports = "\n".join(library_import(name) for name in keywords.__all__)  # examples use the libraries together
    text = suite({name: examples(name) for name in keywords.__all__},
                 imports + "\n\n*** Variables ***\n${INBOX}    inbox", HANDLER)
    result = run_suite(tmp_path, text, dict(__import__("os").environ), "--dryrun")
    assert result.returncode == 0, result.stdout[-4000:]
    assert all(name in text for name in keywords.__all__)
