"""`python -m ops plan` on content that used to end in a traceback: a problem in the list, or accepted."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.warm_process import WarmCli, project_copy

WAIT = (
    '{"name": "PL_Extra", "properties": {%s'
    '"activities": [{"name": "W", "type": "Wait", "typeProperties": {"waitTimeInSeconds": 1}}]}}'
)


@pytest.mark.parametrize(
    ("document", "exit_code", "message"),
    [
        ("[]", 2, "pipelines_json/pipeline/PL_Extra.json: (root): expected an object"),
        (
            WAIT % '"parameters": [], ',
            0,
            "pipelines_json/pipeline/PL_Extra.json: properties.parameters: [] read as none",
        ),
    ],
    ids=["root-is-a-list", "parameters-is-an-empty-list"],
)
def test_content_that_used_to_crash_is_a_problem_or_accepted(
    tmp_path: Path, document: str, exit_code: int, message: str, warm_cli: WarmCli
) -> None:
    project_copy(tmp_path)
    (tmp_path / "pipelines_json" / "pipeline" / "PL_Extra.json").write_text(document)
    result = warm_cli.run(tmp_path, "plan", "--stack", "dev")
    assert result.returncode == exit_code, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert message in result.stderr


def test_a_schema_violation_in_content_names_the_file_and_the_authoring_path(tmp_path: Path, warm_cli: WarmCli) -> None:
    project_copy(tmp_path)
    path = tmp_path / "pipelines_json" / "pipeline" / "PL_Extra.json"
    path.write_text(WAIT.replace('"waitTimeInSeconds": 1', '"waitTimeInSecond": 1') % "")
    result = warm_cli.run(tmp_path, "plan", "--stack", "dev")
    assert result.returncode == 2, result.stderr[-2000:]
    assert (
        "  pipelines_json/pipeline/PL_Extra.json: properties.activities[0].typeProperties.waitTimeInSecond: "
        in result.stderr
    )
    assert "urn:pulumi" not in result.stderr
