"""Where the published Public 360 SIF samples are (read at test time, never copied into the
repository): ``SAKSROBOT_SIF_SAMPLES``, else ``../shared/sif/payloads`` beside the repository."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

_CANDIDATES = [os.environ.get("SAKSROBOT_SIF_SAMPLES", ""),
               str(Path(__file__).resolve().parents[3].parent / "shared" / "sif" / "payloads"),
               "/work/shared/sif/payloads"]


def samples_folder() -> Path:
    for candidate in filter(None, _CANDIDATES):
        if (Path(candidate) / "CaseService").is_dir():
            return Path(candidate)
    pytest.skip("The Public 360 SIF samples were not found (set SAKSROBOT_SIF_SAMPLES to their folder)")


def sample(service: str, name: str) -> Any:
    """The parsed sample ``<service>/<name>.json`` (an empty file is an empty object)."""
    text = (samples_folder() / service / f"{name}.json").read_text(encoding="utf-8").strip()
    return json.loads(text) if text else {}
