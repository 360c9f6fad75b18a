"""Every repository path the code and the docs name exists, so a move or a split leaves no stale pointer
(`policy/rules.py` once outlived its split into `policy/rules/`)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from tests.support.checkout import PROJECT_DIR
from tests.support.tree import project_files

NAMED_PATH = re.compile(r"(?<![\w./-])((?:[a-z_]+/)+(?:[a-z_]+\.(?:py|md|yaml|json|sql)\b|[a-z_]+/))")
"""`folder/file.py` or `folder/sub/`: a path in the repository's own lower-case spelling."""


def stale_paths(root: Path) -> Iterator[str]:
    """Paths under one of `root`'s folders that the modules (tests aside: they name the trees they plant) and
    the Markdown files name but that do not exist."""
    texts = [path for path in project_files(root, ".py") if path.relative_to(root).parts[0] != "tests"]
    texts += list(project_files(root, ".md"))
    for path in texts:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in NAMED_PATH.finditer(line):
                named = match.group(1)
                if (root / named.split("/")[0]).is_dir() and not (root / named).exists():
                    yield f"{path.relative_to(root)}:{number}: {named}"


def test_every_path_the_code_and_docs_name_exists() -> None:
    assert list(stale_paths(PROJECT_DIR)) == []


def test_a_path_to_a_module_that_was_split_is_found(tmp_path: Path) -> None:
    (tmp_path / "policy" / "rules").mkdir(parents=True)
    (tmp_path / "policy" / "rules" / "__init__.py").write_text("")
    (tmp_path / "stack").mkdir()
    (tmp_path / "stack" / "config.py").write_text('"""See policy/rules.py, policy/rules/ and root/overrides.json."""\n')
    (tmp_path / "README.md").write_text("The rules live in `policy/rules/`; the config in stack/config.py.\n")
    assert list(stale_paths(tmp_path)) == ["stack/config.py:1: policy/rules.py"]
