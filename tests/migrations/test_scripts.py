"""Versioned SQL scripts: order, journal, one transaction per script, and inputs checked before anything runs."""

from __future__ import annotations

from pathlib import Path

import pytest

from migrations.scripts import SqlApplyError, SqlInputError, apply, discover
from tests.support.checkout import SQL_DIR
from tests.support.sql_database import FakeDatabase


def scripts_in(tmp_path: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    return tmp_path


def test_scripts_apply_in_version_order_each_in_its_own_transaction(tmp_path: Path) -> None:
    root = scripts_in(
        tmp_path,
        {
            "V010__later.sql": "CREATE TABLE b (id int)",
            "V002__first.sql": "CREATE SCHEMA s\nGO\nCREATE TABLE s.a (id int)\ngo -- next batch\nSELECT 1",
        },
    )
    database = FakeDatabase()
    applied = apply(database, discover(root), {}, log=lambda _: None)
    assert [s.version for s in applied] == [2, 10]
    assert database.committed[1:] == [
        ["CREATE SCHEMA s", "CREATE TABLE s.a (id int)", "SELECT 1", "journal 2"],
        ["CREATE TABLE b (id int)", "journal 10"],
    ]


def test_applied_scripts_are_skipped(tmp_path: Path) -> None:
    scripts = discover(scripts_in(tmp_path, {"V001__a.sql": "SELECT 1", "V002__b.sql": "SELECT 2"}))
    database = FakeDatabase()
    apply(database, scripts, {}, log=lambda _: None)
    again = FakeDatabase(journal=database.journal)
    assert apply(again, scripts, {}, log=lambda _: None) == []
    assert "SELECT 1" not in again.executed


def test_a_changed_applied_script_is_refused_before_anything_runs(tmp_path: Path) -> None:
    root = scripts_in(tmp_path, {"V001__a.sql": "SELECT 1", "V002__b.sql": "SELECT 2"})
    database = FakeDatabase()
    apply(database, discover(root), {}, log=lambda _: None)
    (root / "V001__a.sql").write_text("SELECT 42")
    (root / "V003__c.sql").write_text("SELECT 3")
    later = FakeDatabase(journal=database.journal)
    with pytest.raises(SqlInputError, match=r"sql/V001__a.sql changed after it was applied"):
        apply(later, discover(root), {}, log=lambda _: None)
    assert "SELECT 3" not in later.executed


def test_a_failing_script_is_rolled_back_and_named(tmp_path: Path) -> None:
    root = scripts_in(tmp_path, {"V001__ok.sql": "SELECT 1", "V002__bad.sql": "SELECT 2\nGO\nSELEKT 3\nGO\nSELECT 4"})
    database = FakeDatabase(fail_on="SELEKT")
    with pytest.raises(SqlApplyError) as info:
        apply(database, discover(root), {}, log=lambda _: None)
    assert "sql/V002__bad.sql: batch 2 of 3 failed: Incorrect syntax near 'SELEKT'" in str(info.value)
    assert database.rollbacks == 1
    assert [v for v, _, _ in database.journal] == [1]
    assert ["SELECT 2"] not in database.committed


def test_sqlcmd_variables_are_filled_and_a_missing_one_stops_everything(tmp_path: Path) -> None:
    root = scripts_in(
        tmp_path,
        {"V001__a.sql": "SELECT 1", "V002__user.sql": "CREATE USER [$(FactoryIdentityName)] FROM EXTERNAL PROVIDER"},
    )
    database = FakeDatabase()
    with pytest.raises(SqlInputError, match=r"sql/V002__user.sql: needs the variable\(s\) FactoryIdentityName"):
        apply(database, discover(root), {}, log=lambda _: None)
    assert database.executed == []
    apply(database, discover(root), {"FactoryIdentityName": "adf-x-dev"}, log=lambda _: None)
    assert "CREATE USER [adf-x-dev] FROM EXTERNAL PROVIDER" in database.executed


def test_badly_named_or_repeated_versions_are_refused(tmp_path: Path) -> None:
    scripts_in(tmp_path, {"create_tables.sql": "", "V001__a.sql": "", "V001__b.sql": "", "V0002__c.sql": ""})
    with pytest.raises(SqlInputError) as info:
        discover(tmp_path)
    assert "sql/create_tables.sql: expected a name like V001__create_tables.sql" in str(info.value)
    assert "sql/V0002__c.sql: expected a name like V001__create_tables.sql" in str(info.value)
    assert "sql/V001__b.sql: version 1 is also V001__a.sql" in str(info.value)


def test_repository_scripts_are_versioned_and_need_only_the_factory_identity() -> None:
    scripts = discover(SQL_DIR)
    assert scripts
    assert [s.version for s in scripts] == sorted({s.version for s in scripts})
    assert set().union(*(s.variables() for s in scripts)) <= {"FactoryIdentityName", "FactoryIdentitySid"}
