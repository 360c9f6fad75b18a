"""The pipeline compiled the way Azure DevOps compiles it before a run.

Every `template:` reference is replaced by the template's stages, jobs or steps, with `${{ parameters.x }}`
bound to the parameters it passes (or the template's defaults), as Azure DevOps expands templates before a run
(https://learn.microsoft.com/azure/devops/pipelines/process/templates). The pipeline uses nothing else that is
expanded at compile time (no `${{ if }}`, `${{ each }}` or variable templates), so this is the whole expansion;
`${{ }}` text left in a compiled pipeline is what a test looks for.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import yaml

from stack.files import SAFE_LOADER

PIPELINE = "azure-pipelines.yml"
TEMPLATE_DIR = ".azure-pipelines"

Files = dict[str, Any]
Pipeline = dict[str, Any]
Step = dict[str, Any]

_PARAMETER = re.compile(r"\$\{\{\s*parameters\.(\w+)\s*\}\}")
MACRO = re.compile(r"\$\(([A-Za-z_][\w.]*)\)")
"""A macro `$(name)`: replaced at runtime, just before a task runs."""
RUNTIME_EXPRESSION = re.compile(r"\$\[")
"""A runtime expression `$[ ... ]`: evaluated at runtime."""
_LIST_KEYS = ("stages", "jobs", "steps")


class TemplateError(Exception):
    """The pipeline would not compile: a missing template or parameter, or an unknown parameter."""


def read_texts(root: Path) -> tuple[tuple[str, str], ...]:
    """The text of the pipeline and of every template under `root`, by path relative to `root`."""
    paths = [root / PIPELINE, *sorted((root / TEMPLATE_DIR).glob("*.yml"))]
    return tuple((path.relative_to(root).as_posix(), path.read_text(encoding="utf-8")) for path in paths)


def parse_files(texts: tuple[tuple[str, str], ...]) -> Files:
    """`read_texts`' files parsed, by path."""
    return {name: yaml.load(text, Loader=SAFE_LOADER) for name, text in texts}


def read_files(root: Path) -> Files:
    """The pipeline and every template under `root`, parsed, by path relative to `root`."""
    return parse_files(read_texts(root))


def _substitute(node: Any, parameters: dict[str, Any], where: str) -> Any:
    def value(name: str) -> Any:
        if name not in parameters:
            raise TemplateError(f"{where}: ${{{{ parameters.{name} }}}} is not a declared parameter")
        return parameters[name]

    if isinstance(node, str):
        whole = _PARAMETER.fullmatch(node)
        if whole:
            return copy.deepcopy(value(whole.group(1)))
        return _PARAMETER.sub(lambda match: str(value(match.group(1))), node)
    if isinstance(node, dict):
        return {_substitute(k, parameters, where): _substitute(v, parameters, where) for k, v in node.items()}
    if isinstance(node, list):
        return [_substitute(item, parameters, where) for item in node]
    return node


def _bind(declared: list[dict[str, Any]], given: dict[str, Any], where: str) -> dict[str, Any]:
    names = [parameter["name"] for parameter in declared]
    unknown = sorted(set(given) - set(names))
    if unknown:
        raise TemplateError(f"{where}: unknown parameters {unknown}")
    bound: dict[str, Any] = {}
    for parameter in declared:
        if parameter["name"] in given:
            bound[parameter["name"]] = given[parameter["name"]]
        elif "default" in parameter:
            bound[parameter["name"]] = parameter["default"]
        else:
            raise TemplateError(f"{where}: required parameter {parameter['name']!r} not passed")
    return bound


def _expand(node: Any, files: Files, directory: str) -> Any:
    if isinstance(node, list):
        return [_expand(item, files, directory) for item in node]
    if not isinstance(node, dict):
        return node
    return {
        key: _expand_list(key, value, files, directory)
        if key in _LIST_KEYS and isinstance(value, list)
        else _expand(value, files, directory)
        for key, value in node.items()
    }


def _expand_list(key: str, items: list[Any], files: Files, directory: str) -> list[Any]:
    expanded: list[Any] = []
    for item in items:
        if not (isinstance(item, dict) and "template" in item):
            expanded.append(_expand(item, files, directory))
            continue
        path = Path(directory, item["template"]).as_posix()
        if path not in files:
            raise TemplateError(f"{directory or '.'}: template {item['template']!r} not found")
        template = files[path]
        if set(template) - {"parameters", key}:
            raise TemplateError(f"{path}: a {key} template has only `parameters` and `{key}`")
        bound = _bind(template.get("parameters") or [], item.get("parameters") or {}, path)
        body = _substitute(template[key], bound, path)
        expanded.extend(_expand_list(key, body, files, str(Path(path).parent)))
    return expanded


def compile_pipeline(files: Files) -> Pipeline:
    """The pipeline as Azure DevOps runs it (`read_files` of the project): templates expanded, template
    parameters substituted."""
    root = files[PIPELINE]
    bound = _bind(root.get("parameters") or [], {}, PIPELINE)
    body = {key: value for key, value in root.items() if key != "parameters"}
    return dict(_expand(_substitute(body, bound, PIPELINE), files, ""))


__all__ = [
    "MACRO",
    "PIPELINE",
    "RUNTIME_EXPRESSION",
    "TEMPLATE_DIR",
    "Files",
    "Pipeline",
    "Step",
    "TemplateError",
    "compile_pipeline",
    "read_files",
]
