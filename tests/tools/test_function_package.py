"""The deployment zip: contents, layout, and byte-identical rebuilds.

The pip step is exercised offline with a tiny wheel (``--no-index
--find-links``); the real requirements go through the same code path in
``make package``.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tools.function_package import SITE_PACKAGES, PackageError, build_package, main

FUNCTIONS_DIR = Path(__file__).resolve().parents[2] / "functions"


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def make_wheel(directory: Path) -> Path:
    """tinypkg 1.0, pure Python, with a console script (which must not end up in the zip)."""
    files = {
        "tinypkg/__init__.py": b"VALUE = 42\n\n\ndef main() -> None:\n    print(VALUE)\n",
        "tinypkg-1.0.dist-info/METADATA": b"Metadata-Version: 2.1\nName: tinypkg\nVersion: 1.0\n",
        "tinypkg-1.0.dist-info/WHEEL": (
            b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        ),
        "tinypkg-1.0.dist-info/entry_points.txt": b"[console_scripts]\ntinycli = tinypkg:main\n",
    }
    record = [_record_line(name, data) for name, data in files.items()] + ["tinypkg-1.0.dist-info/RECORD,,"]
    files["tinypkg-1.0.dist-info/RECORD"] = ("\n".join(record) + "\n").encode()
    directory.mkdir(parents=True, exist_ok=True)
    wheel = directory / "tinypkg-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return wheel


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Two builds of the app with a one-wheel requirement set, with noise in between."""
    root = tmp_path_factory.mktemp("package")
    wheels = root / "wheels"
    make_wheel(wheels)
    requirements = root / "requirements.txt"
    requirements.write_text("tinypkg==1.0\n")
    source = root / "src"
    shutil.copytree(FUNCTIONS_DIR, source, ignore=shutil.ignore_patterns("__pycache__"))
    pip_args = ["--no-index", "--find-links", str(wheels)]

    first = build_package(
        root / "one" / "function.zip", source_dir=source, requirements=requirements, pip_args=pip_args
    )
    # Noise that must not reach the zip or change its bytes: new mtimes, bytecode, local settings.
    for path in source.rglob("*"):
        os.utime(path, (1_700_000_000, 1_700_000_000))
    (source / "__pycache__").mkdir()
    (source / "__pycache__" / "function_app.cpython-311.pyc").write_bytes(b"\0" * 16)
    (source / "eventgen" / "stale.pyc").write_bytes(b"\0" * 16)
    (source / "local.settings.json").write_text('{"Values": {}}')
    second = build_package(
        root / "two" / "function.zip", source_dir=source, requirements=requirements, pip_args=pip_args
    )
    assert first.sha256 == hashlib.sha256(first.path.read_bytes()).hexdigest()
    return first.path, second.path


def test_two_builds_are_byte_identical(builds: tuple[Path, Path]) -> None:
    one, two = builds
    assert one.read_bytes() == two.read_bytes()


def test_entries_are_sorted_with_fixed_timestamps_and_permissions(builds: tuple[Path, Path]) -> None:
    with zipfile.ZipFile(builds[0]) as archive:
        infos = archive.infolist()
    names = [info.filename for info in infos]
    assert names == sorted(names)
    assert len(names) == len(set(names))
    for info in infos:
        assert info.date_time == (1980, 1, 1, 0, 0, 0), info.filename
        mode = info.external_attr >> 16
        assert mode in (0o100644, 0o100755), (info.filename, oct(mode))
        assert info.compress_type == zipfile.ZIP_DEFLATED


def test_the_zip_holds_the_app_root_and_its_dependencies_only(builds: tuple[Path, Path]) -> None:
    one, _ = builds
    with zipfile.ZipFile(one) as archive:
        names = set(archive.namelist())
        for name in ("function_app.py", "host.json", "requirements.txt", "eventgen/generator.py"):
            assert archive.read(name) == (FUNCTIONS_DIR / name).read_bytes()
        record = archive.read(f"{SITE_PACKAGES}/tinypkg-1.0.dist-info/RECORD").decode()
    assert f"{SITE_PACKAGES}/tinypkg/__init__.py" in names
    assert not [n for n in names if "__pycache__" in n or n.endswith((".pyc", ".pyo"))]
    assert "local.settings.json" not in names
    assert not [n for n in names if n.startswith(f"{SITE_PACKAGES}/bin/")]  # console scripts stay out
    assert "../" not in record  # and so do their RECORD lines
    app_files = {n for n in names if not n.startswith(".python_packages/")}
    expected = {p.relative_to(FUNCTIONS_DIR).as_posix() for p in FUNCTIONS_DIR.rglob("*") if p.is_file()}
    assert app_files == {n for n in expected if "__pycache__" not in n and not n.endswith(".pyc")}


def test_the_packaged_app_imports_and_indexes_from_the_zip(builds: tuple[Path, Path], tmp_path: Path) -> None:
    with zipfile.ZipFile(builds[0]) as archive:
        archive.extractall(tmp_path)
    code = (
        "import sys; sys.path[:0] = sys.argv[1:3]\n"
        "import function_app, tinypkg, eventgen\n"
        "assert eventgen.__file__.startswith(sys.argv[1]), eventgen.__file__\n"
        "print(sorted(f.get_function_name() for f in function_app.app.get_functions()), tinypkg.VALUE)\n"
    )
    site = tmp_path / SITE_PACKAGES
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path), str(site)], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "['generate_on_demand', 'generate_scheduled'] 42"


def test_the_command_prints_size_and_sha256(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "dist" / "function.zip"
    assert main(["--output", str(output), "--skip-deps"]) == 0
    printed = capsys.readouterr().out
    data = output.read_bytes()
    assert f"{len(data)} bytes" in printed
    assert f"sha256 {hashlib.sha256(data).hexdigest()}" in printed
    assert not (tmp_path / "dist" / "function.zip.partial").exists()


def test_a_pip_failure_is_reported(tmp_path: Path) -> None:
    requirements = tmp_path / "requirements.txt"
    requirements.write_text("no-such-package-for-this-test==1.0\n")
    with pytest.raises(PackageError, match="pip install failed"):
        build_package(
            tmp_path / "function.zip",
            requirements=requirements,
            pip_args=["--no-index", "--find-links", str(tmp_path)],
        )
    assert not (tmp_path / "function.zip").exists()


def test_runtime_requirements_are_exact_pins() -> None:
    lines = [
        line.strip()
        for line in (FUNCTIONS_DIR / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert all(re.fullmatch(r"[a-z0-9-]+==[0-9][0-9a-z.]*", line) for line in lines), lines
    assert {line.split("==")[0] for line in lines} == {
        "azure-functions",
        "azure-identity",
        "azure-storage-blob",
        "numpy",
    }
