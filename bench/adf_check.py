"""`python -m ops adf check` on 1,000 generated files: 250 each of linked services, datasets, pipelines, triggers.

Target: the whole command (a fresh process, SDK import included) under 2 s on 2 cores.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.adf_scale import documents
from bench.measure import repeat

FILES = 1000
TARGET_SECONDS = 2.0
PROJECT = Path(__file__).resolve().parent.parent


def _documents(i: int) -> dict[str, dict[str, Any]]:
    """Its own linked service, then the dataset, pipeline and trigger of the plan-scale benchmark on it; the
    dataset carries the read-only metadata ADF Studio writes, so the check drops it as it would for real."""
    service = f"LS_Gen_{i:04d}"
    found: dict[str, dict[str, Any]] = {
        f"linkedService/{service}": {
            "name": service,
            "properties": {"type": "AzureBlobFS", "typeProperties": {"url": f"https://lake{i}.dfs.core.windows.net/"}},
        },
        **documents(i, service),
    }
    found[f"dataset/DS_Gen_{i:04d}"]["properties"]["lastPublishTime"] = "2021-01-01T00:00:00Z"
    return found


def generate(root: Path, files: int = FILES) -> Path:
    """An ADF Studio folder of `files` files (a multiple of 4)."""
    for i in range(files // 4):
        for key, document in _documents(i).items():
            path = root / f"{key}.json"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(json.dumps(document))
    return root


def run() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        folder = generate(Path(tmp) / "factory-repo")
        median, worst, peak = repeat([sys.executable, "-m", "ops", "adf", "check", str(folder)], 3, str(PROJECT))
    verdict = "PASS" if median < TARGET_SECONDS else "FAIL"
    return "\n".join(
        [
            "## `ops adf check` on 1,000 files",
            "",
            f"{FILES} generated ADF Studio files (250 linked services, datasets, pipelines and triggers), checked by "
            "the loader and the provider-schema check in a fresh process, median of 3 runs after a warm-up.",
            "",
            "| files | median | slowest | peak memory |",
            "|---|---|---|---|",
            f"| {FILES} | {median:.2f} s | {worst:.2f} s | {peak:.0f} MB |",
            "",
            f"Target: under {TARGET_SECONDS:.0f} s. Result: {verdict}",
        ]
    )


if __name__ == "__main__":
    print(run())
