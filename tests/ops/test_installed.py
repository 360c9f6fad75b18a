"""An installed `python -m ops` plans a project it is told about, from anywhere: nothing it needs is taken
from where the code is installed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from preview.plan import Plan
from tests.support.checkout import PROJECT_DIR


def test_an_installed_ops_plans_the_project_named_by_project_dir_from_elsewhere(
    tmp_path: Path, dev: Plan, installed_site: Path
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "ops", "plan", "--stack", "dev", "--project-dir", str(PROJECT_DIR), "--json"],
        cwd=elsewhere,
        env={**os.environ, "PYTHONPATH": str(installed_site)},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    document = json.loads(result.stdout)
    assert document["resources"] == json.loads(json.dumps(dev.document()["resources"]))
    assert not (installed_site / "pipelines_json").exists() and not (installed_site / "Pulumi.yaml").exists()

    lost = subprocess.run(
        [sys.executable, "-m", "ops", "plan", "--stack", "dev"],
        cwd=elsewhere,
        env={**os.environ, "PYTHONPATH": str(installed_site)},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert lost.returncode == 2
    assert f"error: no Pulumi.yaml in {elsewhere.resolve()} or any directory above it" in lost.stderr
