"""What `pip install --no-deps .` puts in site-packages, built offline from what pyproject.toml declares.

pip's own build (`pip install .`) fetches setuptools into an isolated environment; offline, with the pinned
setuptools and no `wheel`, it cannot make the wheel. `build_py` is the step of that build that selects and copies
the declared packages, and it fails the same way when none are declared ("Multiple top-level packages discovered in
a flat-layout"). Its metadata and build folders go next to the result, so the checkout stays as it is.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.support.checkout import PROJECT_DIR


def build_site(out: Path) -> Path:
    """Build the project's packages into `out/site` (a new folder) and return it."""
    out.mkdir()
    build = [sys.executable, "-c", "from setuptools import setup; setup()", "--quiet"]
    build += ["egg_info", "--egg-base", str(out), "build", "--build-base", str(out / "build")]
    build += ["build_py", "--build-lib", str(out / "site")]
    result = subprocess.run(build, cwd=PROJECT_DIR, capture_output=True, text=True, check=False, timeout=120)
    assert result.returncode == 0, result.stderr
    return out / "site"
