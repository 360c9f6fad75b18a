"""Reading the previous release's plan: a bad file fails naming the file, what is wrong and what is wanted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from stack.errors import InputError
from transitions import PreviousPlanError, read_previous

WANTED = "--from takes the JSON that `python -m ops plan --stack <stack> --json` prints"


def written(tmp_path: Path, content: Any) -> Path:
    path = tmp_path / "previous.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    return path


def error_for(path: Path) -> str:
    with pytest.raises(PreviousPlanError) as info:
        read_previous(path)
    assert isinstance(info.value, InputError)
    return str(info.value)


def resource(**fields: Any) -> dict[str, Any]:
    return {"urn": "urn:pulumi:dev::p::t:m:T::a", "type": "t:m:T", "name": "a", "inputs": {}, **fields}


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    message = error_for(tmp_path / "nowhere.json")
    assert message.startswith(f"{tmp_path / 'nowhere.json'}: cannot be read")
    assert WANTED in message


def test_a_file_that_is_not_json_says_where(tmp_path: Path) -> None:
    assert "is not JSON (line 2:" in error_for(written(tmp_path, '{"project": "p",\n oops}'))


def test_a_stack_export_is_refused_as_the_wrong_format(tmp_path: Path) -> None:
    message = error_for(written(tmp_path, {"version": 3, "deployment": {"resources": []}}))
    assert "this is a `pulumi stack export` file, not a plan" in message
    assert WANTED in message


@pytest.mark.parametrize(
    ("document", "problem"),
    [
        ([], "the document is not a JSON object"),
        ({"stack": "dev", "resources": []}, "'project' is missing or not a string"),
        ({"project": "p", "stack": "dev"}, "'resources' is missing or not a list"),
        ({"project": "p", "stack": "dev", "resources": [resource(urn=None)]}, "resources[0].urn is missing"),
        ({"project": "p", "stack": "dev", "resources": [resource(inputs=[])]}, "resources[0].inputs is not an object"),
        ({"project": "p", "stack": "dev", "resources": [resource(aliases="x")]}, "resources[0].aliases is not a list"),
        ({"project": "p", "stack": "dev", "resources": [resource(), resource()]}, "is listed twice"),
    ],
)
def test_a_document_of_the_wrong_shape_names_the_problem(tmp_path: Path, document: Any, problem: str) -> None:
    assert problem in error_for(written(tmp_path, document))


def test_a_well_formed_document_is_read_with_its_resources(tmp_path: Path) -> None:
    plan = read_previous(
        written(tmp_path, {"project": "p", "stack": "dev", "resources": [resource(protect=True, aliases=["u"])]})
    )
    assert (plan.project, plan.stack, plan.source) == ("p", "dev", str(tmp_path / "previous.json"))
    [only] = plan.resources
    assert (only.urn, only.protect, only.aliases) == ("urn:pulumi:dev::p::t:m:T::a", True, ("u",))
