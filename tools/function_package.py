"""Build the generator Function app's deployment zip, reproducibly.

    python -m tools.function_package --output dist/function.zip

The zip holds the app root (``functions/``: ``function_app.py``, ``host.json``,
``requirements.txt`` and the ``eventgen`` package) plus the runtime
dependencies under ``.python_packages/lib/site-packages``, installed by pip for
the Function app's platform (Linux x86_64, CPython 3.11, manylinux2014 wheels
only), whatever machine builds it.

Two builds of the same sources and requirements give byte-identical zips:
entries are sorted, every timestamp is 1980-01-01 00:00, permissions are
normalised to 0644/0755, there are no ``__pycache__``/``.pyc`` files (pip runs
with ``--no-compile``), the console scripts pip writes to ``bin/`` (whose
shebang is the build interpreter's path) are left out, and so are their lines
in each ``RECORD``.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import stat
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIR = REPO_ROOT / "functions"
SITE_PACKAGES = ".python_packages/lib/site-packages"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)
PIP_PLATFORM_ARGS = (
    "--platform", "manylinux2014_x86_64",
    "--implementation", "cp",
    "--python-version", "3.11",
    "--only-binary=:all:",
)  # fmt: skip
EXCLUDED_DIRS = frozenset(
    {"__pycache__", ".python_packages", ".venv", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".vscode"}
)
EXCLUDED_FILES = frozenset({"local.settings.json", ".funcignore", ".DS_Store"})
EXCLUDED_SUFFIXES = (".pyc", ".pyo")


class PackageError(RuntimeError):
    pass


@dataclass(frozen=True)
class PackageResult:
    path: Path
    size: int
    sha256: str
    entries: int


def build_package(
    output: Path,
    *,
    source_dir: Path = SOURCE_DIR,
    requirements: Path | None = None,
    install_dependencies: bool = True,
    pip_args: Sequence[str] = (),
) -> PackageResult:
    """Write the deployment zip to ``output``.

    ``requirements`` defaults to ``<source_dir>/requirements.txt``; ``pip_args`` are
    appended to the pip command (e.g. ``--no-index --find-links DIR``).
    """
    requirements = requirements or source_dir / "requirements.txt"
    if not (source_dir / "function_app.py").is_file():
        raise PackageError(f"{source_dir} has no function_app.py (the v2 model's app root)")
    with tempfile.TemporaryDirectory(prefix="function-package-") as tmp:
        files: dict[str, Path] = dict(_source_files(source_dir))
        if install_dependencies:
            site = Path(tmp) / "site-packages"
            _pip_install(requirements, site, pip_args)
            for name, path in _dependency_files(site):
                files[f"{SITE_PACKAGES}/{name}"] = path
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".partial")
        _write_zip(partial, files)
        partial.replace(output)
    data = output.read_bytes()
    return PackageResult(output, len(data), hashlib.sha256(data).hexdigest(), len(files))


def _source_files(root: Path) -> Iterator[tuple[str, Path]]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in EXCLUDED_DIRS]
        for filename in filenames:
            if filename in EXCLUDED_FILES or filename.endswith(EXCLUDED_SUFFIXES):
                continue
            path = Path(dirpath) / filename
            yield path.relative_to(root).as_posix(), path


def _pip_install(requirements: Path, target: Path, pip_args: Sequence[str]) -> None:
    command = [
        sys.executable, "-m", "pip", "install",
        "--quiet", "--disable-pip-version-check", "--no-compile", "--no-warn-script-location",
        "--target", str(target),
        *PIP_PLATFORM_ARGS,
        "-r", str(requirements),
        *pip_args,
    ]  # fmt: skip
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise PackageError(f"pip install failed ({completed.returncode}):\n{completed.stdout}{completed.stderr}")


def _dependency_files(site: Path) -> Iterator[tuple[str, Path]]:
    for name, path in _source_files(site):
        if name.startswith("bin/"):
            continue  # console scripts: not importable, and their shebang is the build machine's python
        if name.endswith(".dist-info/RECORD"):
            _drop_outside_entries(path)
        yield name, path


def _drop_outside_entries(record: Path) -> None:
    """Keep only the RECORD lines of files that ship (not ``../../bin/...``)."""
    lines = record.read_text(encoding="utf-8").splitlines(keepends=True)
    record.write_text("".join(line for line in lines if not line.startswith("../")), encoding="utf-8")


def _write_zip(output: Path, files: dict[str, Path]) -> None:
    with zipfile.ZipFile(output, "w") as archive:
        for name in sorted(files):
            path = files[name]
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            executable = path.stat().st_mode & (stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
            info.external_attr = (stat.S_IFREG | (0o755 if executable else 0o644)) << 16
            info.create_system = 3  # unix, so the permissions above are honoured
            info.compress_type = zipfile.ZIP_DEFLATED
            with path.open("rb") as source, archive.open(info, "w") as target:
                while block := source.read(1 << 20):
                    target.write(block)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.function_package", description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=REPO_ROOT / "dist" / "function.zip")
    parser.add_argument("--source", type=Path, default=SOURCE_DIR, help="app root (default: functions/)")
    parser.add_argument("--requirements", type=Path, default=None, help="default: <source>/requirements.txt")
    parser.add_argument("--skip-deps", action="store_true", help="package the app source only (no pip)")
    args = parser.parse_args(argv)
    try:
        result = build_package(
            args.output,
            source_dir=args.source,
            requirements=args.requirements,
            install_dependencies=not args.skip_deps,
        )
    except PackageError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"{result.path}: {result.size} bytes ({result.size / 1_048_576:.1f} MiB), {result.entries} files")
    print(f"sha256 {result.sha256}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
