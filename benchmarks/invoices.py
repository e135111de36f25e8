"""Benchmark: the invoices process, side by side in one run. Part ``parse``: per document, over
every full UBL document of the test corpus (valid and invalid), several rounds, one measurement per
document per round: the safe parse alone (``parse_ehf``), saksrobot's own checks (parse + ``check``)
and the full official validation as the robot runs it (parse + both Peppol BIS Billing 3.0.21
stylesheets in SaxonC-HE + own checks); median and 90th percentile. The one-time compile of the
stylesheets is reported apart (a fresh process compiles them). Part ``e2e``: invoices filed per
minute end to end, the real robot (``saksrobot run invoices``, a subprocess) on an inbox of generated
invoices, validated officially and filed through the archive simulator's API, robot start-up included.

    .venv/bin/python benchmarks/invoices.py [--part parse|e2e|all] [--rounds 20] [--invoices 200]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from saksrobot.demo.corpus import ehf_corpus, official_artefacts
from saksrobot.invoices import check, parse_ehf
from saksrobot.invoices.official import load
from saksrobot.invoices.validation import Official

DEFAULT_CORPUS = ehf_corpus() or Path("../shared/data/ehf")


def corpus_documents(corpus: Path) -> list[tuple[str, bytes]]:
    """(name, bytes) of every full UBL Invoice/CreditNote listed in the corpus' results.json."""
    results = json.loads((corpus / "results.json").read_text(encoding="utf-8"))
    return [(entry["dest"], (corpus / entry["dest"]).read_bytes()) for entry in results["files"]
            if entry["root"] in ("Invoice", "CreditNote")]


def timings(documents: list[tuple[str, bytes]], work: Callable[[bytes], object], rounds: int) -> dict[str, float]:
    """``work`` on every document ``rounds`` times (after one warm-up pass): median, 90th percentile
    and maximum of the per-document times in milliseconds."""
    for _, data in documents:
        work(data)
    measured = []
    for _ in range(rounds):
        for _, data in documents:
            began = time.perf_counter()
            work(data)
            measured.append((time.perf_counter() - began) * 1000)
    return {"median_ms": statistics.median(measured), "p90_ms": statistics.quantiles(measured, n=10)[-1],
            "max_ms": max(measured), "measurements": len(measured)}


def compile_seconds(artefacts: Path) -> float:
    """The stylesheets compiled in a fresh process (nothing cached), as at the start of a robot run."""
    code = ("import time, sys; from saksrobot.invoices.official import OfficialRules; from pathlib import Path; "
            "t = time.perf_counter(); OfficialRules(Path(sys.argv[1])); print(time.perf_counter() - t)")
    return float(subprocess.run([sys.executable, "-c", code, str(artefacts)], capture_output=True, text=True,
                                check=True).stdout)


def run_parse(args: argparse.Namespace) -> None:
    documents = corpus_documents(args.corpus)
    size = sum(len(data) for _, data in documents)
    print(f"{len(documents)} documents ({size / 1_000_000:.1f} MB) x {args.rounds} rounds, per document:")
    parts = {"safe parse alone": parse_ehf, "own checks (parse + check)": lambda d: check(parse_ehf(d))}
    if (artefacts := official_artefacts()) is not None:
        official = Official(load(artefacts))
        parts["full official validation"] = lambda d: official.findings(d, parse_ehf(d))
        print(f"compile of the stylesheets, once per run: {compile_seconds(artefacts):.2f} s")
    else:
        print("official stylesheets not found: the official part is left out")
    for name, work in parts.items():
        result = timings(documents, work, args.rounds)
        print(f"  {name:28} median {result['median_ms']:7.2f} ms   p90 {result['p90_ms']:7.2f} ms   "
              f"max {result['max_ms']:7.2f} ms   ({result['measurements']} measurements)")


def run_e2e(args: argparse.Namespace) -> None:
    import tempfile

    from saksrobot.database import make_engine
    from saksrobot.demo import robot_environment
    from saksrobot.demo.invoice_inbox import write_inbox
    from saksrobot.runner import run_robot
    from saksrobot.settings import load_settings
    from saksrobot.simulators import databases_in, running_simulators
    from saksrobot.workitems import State, WorkItemStore

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        settings = databases_in(load_settings(logs_dir=work / "logs"), work)
        expected = write_inbox(work / "invoices" / "inbox", invoices=args.invoices, hostile=False)
        filed_expected = sum(e.outcome == "filed" for e in expected.values())
        database = f"sqlite:///{work / 'saksrobot.db'}"
        with running_simulators(settings, port=0) as sims:
            env = robot_environment(settings, sims, database_url=database, archive_backend="api")
            env["SAKSROBOT_INVOICES__FOLDER"] = str(work / "invoices")
            if (artefacts := official_artefacts()) is not None:
                env["SAKSROBOT_INVOICES__VALIDATION_ARTEFACTS"] = str(artefacts)
            else:
                env["SAKSROBOT_INVOICES__VALIDATION"] = "builtin"
            began = time.perf_counter()
            result = run_robot(settings, "invoices", env=env)
            seconds = time.perf_counter() - began
        filed = len(WorkItemStore(make_engine(database)).find("invoices", [State.DONE], limit=100_000))
    print(f"end to end: {filed} of {len(expected)} files filed ({filed_expected} expected) in {seconds:.1f} s "
          f"= {filed / seconds * 60:.0f} invoices filed per minute (run {result.status.value}, robot start-up "
          f"included, archive over its API, {'official' if official_artefacts() else 'builtin'} validation)")


PARTS = {"parse": run_parse, "e2e": run_e2e}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", choices=[*PARTS, "all"], default="all")
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--invoices", type=int, default=200, help="generated invoices for the e2e part")
    args = parser.parse_args()
    for name, run in PARTS.items():
        if args.part in (name, "all"):
            run(args)


if __name__ == "__main__":
    main()
