"""Prod names are a reviewed snapshot: a change would make Azure replace the resource and lose its data.

To change a name on purpose, review the diff this test prints, then update the snapshot:

    python -m ops plan --stack prod --names > tests/snapshots/prod-names.json
"""

from __future__ import annotations

import json
from pathlib import Path

from ops.plan import run_plan
from preview.plan import Plan, azure_names
from tests.support.checkout import PROJECT_DIR

SNAPSHOT = Path(__file__).resolve().parent.parent / "snapshots" / "prod-names.json"
STATEFUL = ("platform-lake-account", "platform-key-vault-vault", "platform-sql-database", "platform-sql-server")


def test_prod_names_match_the_reviewed_snapshot(prod: Plan) -> None:
    expected = json.loads(SNAPSHOT.read_text())
    actual = azure_names(prod)
    changed = {
        k: (expected.get(k), actual.get(k)) for k in expected.keys() | actual.keys() if expected.get(k) != actual.get(k)
    }
    assert not changed, (
        "prod names changed (snapshot, plan); Azure would replace these resources: "
        f"{json.dumps(changed, indent=2)}\nIf intended: python -m ops plan --stack prod --names > {SNAPSHOT}"
    )


def test_snapshot_covers_the_stateful_resources() -> None:
    expected = json.loads(SNAPSHOT.read_text())
    assert all(name in expected for name in STATEFUL)


def test_names_and_suffixes_survive_an_unrelated_change(prod: Plan) -> None:
    changed = run_plan(
        "prod", PROJECT_DIR, config_overrides={"data-platform:monitoring": {"alertEmail": "someone@example.com"}}
    )
    assert azure_names(changed) == azure_names(prod)
