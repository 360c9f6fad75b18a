"""What each kind of reference may name: a GRANT target is a table or a procedure, a schema is built in or
created, and messages name the kind as SQL does."""

from __future__ import annotations

from migrations.catalog import ObjectKind, SqlReference, build_catalog, parse_script, script_problems

TABLE = "CREATE TABLE dbo.users (id INT);\n"
PROCEDURE = "CREATE PROCEDURE dbo.usp_merge AS\nBEGIN\n    SELECT 1;\nEND\nGO\n"


def test_a_grant_on_a_table_or_a_procedure_defined_before_it_is_no_problem() -> None:
    scripts = [
        parse_script(TABLE + "GO\n" + PROCEDURE, "sql/V001__objects.sql"),
        parse_script(
            "GRANT SELECT ON OBJECT::dbo.users TO app;\nGRANT EXECUTE ON OBJECT::dbo.usp_merge TO app;\n",
            "sql/V002__grants.sql",
        ),
    ]
    assert {ref.kind for ref in scripts[1].references} == {ObjectKind.OBJECT}
    assert script_problems(build_catalog(scripts)) == []


def test_a_grant_before_its_procedure_or_on_nothing_is_reported_as_an_object() -> None:
    scripts = [
        parse_script("GRANT EXECUTE ON OBJECT::dbo.usp_merge TO app;\n", "sql/V001__grants.sql"),
        parse_script("GRANT SELECT ON OBJECT::dbo.missing TO app;\n", "sql/V002__grants.sql"),
        parse_script(PROCEDURE, "sql/V003__procedure.sql"),
    ]
    assert script_problems(build_catalog(scripts)) == [
        "sql/V001__grants.sql: batch starting on line 1: object dbo.usp_merge is only defined later, "
        "in sql/V003__procedure.sql",
        "sql/V002__grants.sql: batch starting on line 1: object dbo.missing is not defined in sql/",
    ]


def test_each_kind_is_looked_up_among_its_own_definitions() -> None:
    catalog = build_catalog([parse_script(TABLE + "GO\n" + PROCEDURE, "sql/V001__objects.sql")])
    assert catalog.defines(SqlReference(ObjectKind.TABLE, "dbo.users", "here"))
    assert not catalog.defines(SqlReference(ObjectKind.TABLE, "dbo.usp_merge", "here"))
    assert catalog.defines(SqlReference(ObjectKind.PROCEDURE, "dbo.usp_merge", "here"))
    assert not catalog.defines(SqlReference(ObjectKind.PROCEDURE, "dbo.users", "here"))
    assert catalog.defines(SqlReference(ObjectKind.OBJECT, "dbo.users", "here"))
    assert catalog.defines(SqlReference(ObjectKind.OBJECT, "dbo.usp_merge", "here"))
    assert catalog.defines(SqlReference(ObjectKind.SCHEMA, "dbo", "here"))
    assert not catalog.defines(SqlReference(ObjectKind.SCHEMA, "staging", "here"))
    assert catalog.defined(ObjectKind.OBJECT) == ["dbo.users", "dbo.usp_merge"]


def test_kinds_read_as_sql_names_them() -> None:
    assert [f"{kind}" for kind in ObjectKind] == ["table", "procedure", "schema", "object"]
