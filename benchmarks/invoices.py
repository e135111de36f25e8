"""Benchmark: the invoices process. Part ``parse``: median time to parse and check one EHF document
(``parse_ehf`` + ``check``), over every full UBL document of the test corpus (valid and invalid), several
rounds; one measurement per document per round. Part ``e2e``: invoices filed per minute end to end,
the real robot (``saksrobot run invoices``, a subprocess) on an inbox of generated invoices, filing
through the archive simulator's API (supplier sync, case per supplier and year, journal post with
XML + PDF, file moved), measured as wall time of the whole run, robot start-up included.

    .venv/bin/python benchmarks/invoices.py [--part parse|e2e|all] [--rounds 20] [--invoices 200]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from saksrobot.demo.corpus import ehf_corpus
from saksrobot.invoices import check, parse_ehf

DEFAULT_CORPUS = ehf_corpus() or Path("../shared/data/ehf")


def corpus_documents(corpus: Path) -> list[tuple[str, bytes]]:
    """(name, bytes) of every full UBL Invoice/CreditNote listed in the corpus' results.json."""
    results = json.loads((corpus / "results.json").read_text(encoding="utf-8"))
    return [(entry["dest"], (corpus / entry["dest"]).read_bytes()) for entry in results["files"]
            if entry["root"] in ("Invoice", "CreditNote")]


def parse_and_check_median(documents: list[tuple[str, bytes]], rounds: int = 20) -> dict[str, float]:
    """Parse and check every document ``rounds`` times; the median, 90th percentile and maximum of
    the per-document times in milliseconds, and the count of measurements."""
    for _, data in documents:  # warm up (imports, caches)
        check(parse_ehf(data))
    timings = []
    for _ in range(rounds):
        for _, data in documents:
            began = time.perf_counter()
            check(parse_ehf(data))
            timings.append((time.perf_counter() - began) * 1000)
    return {"median_ms": statistics.median(timings), "p90_ms": statistics.quantiles(timings, n=10)[-1],
            "max_ms": max(timings), "measurements": len(timings), "documents": len(documents)}


def run_parse(args: argparse.Namespace) -> None:
    documents = corpus_documents(args.corpus)
    result = parse_and_check_median(documents, args.rounds)
    size = sum(len(data) for _, data in documents)
    print(f"parse+check: median {result['median_ms']:.2f} ms per document "
          f"(p90 {result['p90_ms']:.2f} ms, max {result['max_ms']:.2f} ms) over {result['documents']} documents "
          f"({size / 1_000_000:.1f} MB) x {args.rounds} rounds = {result['measurements']} measurements")


def run_e2e(args: argparse.Namespace) -> None:
    import tempfile

    from saksrobot.database import make_engine
    from saksrobot.demo import robot_environment
    from saksrobot.demo.invoice_inbox import write_inbox
    from saksrobot.runner import run_robot
    from saksrobot.settings import load_settings
    from saksrobot.simulators import running_simulators
    from saksrobot.workitems import State, WorkItemStore

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        settings = load_settings(logs_dir=work / "logs", simulators={
            "archive_database_url": f"sqlite:///{work / 'archive.db'}",
            "schooladmin_database_url": f"sqlite:///{work / 'school.db'}"})
        expected = write_inbox(work / "invoices" / "inbox", invoices=args.invoices, hostile=False)
        filed_expected = sum(e.outcome == "filed" for e in expected.values())
        database = f"sqlite:///{work / 'saksrobot.db'}"
        with running_simulators(settings, port=0) as sims:
            env = robot_environment(settings, sims, database_url=database, archive_backend="api")
            env["SAKSROBOT_INVOICES__FOLDER"] = str(work / "invoices")
            began = time.perf_counter()
            result = run_robot(settings, "invoices", env=env)
            seconds = time.perf_counter() - began
        filed = len(WorkItemStore(make_engine(database)).find("invoices", [State.DONE], limit=100_000))
    print(f"end to end: {filed} of {len(expected)} files filed ({filed_expected} expected) in {seconds:.1f} s "
          f"= {filed / seconds * 60:.0f} invoices filed per minute (run {result.status.value}, robot start-up "
          "included, archive over its API)")


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
