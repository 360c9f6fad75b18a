from datetime import date

from stack.facts import DatedTable, stale_warnings

TABLE = DatedTable(
    name="Flex Consumption regions",
    read_on=date(2026, 12, 1),
    source="https://learn.microsoft.com/azure/azure-functions/flex-consumption-plan",
    refresh_command="az functionapp list-flexconsumption-locations",
    max_age_days=90,
)


def test_a_table_within_its_age_gives_no_warning() -> None:
    assert stale_warnings(date(2027, 3, 1), [TABLE]) == []


def test_a_table_one_day_past_its_age_warns_with_the_refresh_command_and_its_date() -> None:
    (warning,) = stale_warnings(date(2027, 3, 2), [TABLE])
    assert "az functionapp list-flexconsumption-locations" in warning
    assert "2026-12-01" in warning and "91 days ago" in warning
    assert "Flex Consumption regions" in warning
