"""The pipeline and its templates parse, every template is used, and compiling expands them all."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from delivery.pipeline import PIPELINE, Files, TemplateError, compile_pipeline
from tests.support.azure_pipelines.reading import dicts, strings


def test_every_file_parses_and_the_templates_are_used(files: Files) -> None:
    assert set(files) > {PIPELINE}, "no templates in .azure-pipelines/"
    for path, document in files.items():
        assert isinstance(document, dict), f"{path} is not a YAML mapping"
    referenced = {
        Path(directory, str(node["template"])).as_posix()
        for path, document in files.items()
        for directory in [str(Path(path).parent)]
        for node in dicts(document)
        if "template" in node
    }
    assert referenced == set(files) - {PIPELINE}, "a template is missing or unused"


def test_the_pipeline_compiles_completely(pipeline: dict[str, Any]) -> None:
    leftovers = [text for text in strings(pipeline) if "${{" in text]
    assert not leftovers, f"template expressions left after expansion: {leftovers[:3]}"
    assert not [node for node in dicts(pipeline) if "template" in node]


def test_triggers_on_main_and_pull_requests(files: Files) -> None:
    root = files[PIPELINE]
    assert root["trigger"]["branches"]["include"] == ["main"]
    assert root["pr"]["branches"]["include"] == ["main"]


def test_compiling_fails_on_a_wrong_template_reference(files: Files) -> None:
    unknown = copy.deepcopy(files)
    unknown[PIPELINE]["stages"][-1]["parameters"]["environment"] = "prod"
    with pytest.raises(TemplateError, match="unknown parameters"):
        compile_pipeline(unknown)
    missing = copy.deepcopy(files)
    missing[PIPELINE]["stages"][-1]["template"] = ".azure-pipelines/nowhere.yml"
    with pytest.raises(TemplateError, match="not found"):
        compile_pipeline(missing)
