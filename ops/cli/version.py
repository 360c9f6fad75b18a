"""The project's version, as pyproject.toml's `[project] version` says it, installed or not."""

from __future__ import annotations

from pathlib import Path

DISTRIBUTION = "data-platform"
"""pyproject.toml's `[project] name`."""
SOURCE_ROOT = Path(__file__).resolve().parents[2]
"""The directory the `ops` package was imported from: a checkout, or site-packages when installed."""


def project_version() -> str:
    """The installed distribution's version when this code is that distribution's; else the version in the
    pyproject.toml of the checkout this code runs from (an older install elsewhere on the path does not count)."""
    from importlib import metadata

    try:
        installed: metadata.Distribution | None = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        installed = None
    if installed is not None:
        located = Path(str(installed.locate_file("ops/__init__.py"))).resolve()
        if located == SOURCE_ROOT / "ops" / "__init__.py":
            return installed.version
    pyproject = SOURCE_ROOT / "pyproject.toml"
    if pyproject.is_file():
        import tomllib

        with pyproject.open("rb") as handle:
            return str(tomllib.load(handle)["project"]["version"])
    return installed.version if installed is not None else "unknown"
