"""No credential in plain text: secrets arrive only as `$(macro)` values of `env:` or pipeline variables."""

from __future__ import annotations

import re
from typing import Any

from delivery.pipeline import MACRO, Files
from tests.support.azure_pipelines.expectations import Problems
from tests.support.azure_pipelines.reading import strings, variables_of

LITERAL_SECRETS = {
    "storage account key": re.compile(r"AccountKey=", re.IGNORECASE),
    "storage connection string": re.compile(r"DefaultEndpointsProtocol=", re.IGNORECASE),
    "SAS connection string": re.compile(r"SharedAccessSignature", re.IGNORECASE),
    "SAS signature": re.compile(r"[?&\s]sig=", re.IGNORECASE),
    "Pulumi access token": re.compile(r"\bpul-[0-9a-f]{40}\b"),
    "JWT": re.compile(r"\beyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]*"),
    "private key": re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    "long base64 value": re.compile(r"[A-Za-z0-9+/]{60,}={0,2}"),
}
_SECRET_NAME = r"[\w.-]*(?:password|passwd|pwd|secret|token|apikey|api_key|accesskey|access_key|accountkey|sas)[\w.-]*"
_ASSIGNMENT = re.compile(rf"(?i)\b({_SECRET_NAME})(?:=|:\s+)(\"[^\"]*\"|'[^']*'|[^\s;\]\"']+)")


def _literal(value: str) -> bool:
    """A value written out, as opposed to a reference: `$(macro)`, `$shell`/`${var}`, `${{ template }}`."""
    value = value.strip("\"'")
    return value not in ("", "true", "false") and not value.startswith("$")


def secret_problems(files: Files, pipeline: dict[str, Any]) -> Problems:
    """No credential in plain text: secrets arrive only as `$(macro)` values of `env:` or pipeline variables."""
    problems: Problems = []
    for path, document in files.items():
        for text in strings(document):
            problems += [f"{path}: {what} in {text[:60]!r}" for what, p in LITERAL_SECRETS.items() if p.search(text)]
            problems += [
                f"{path}: {m.group(1)} assigned a literal" for m in _ASSIGNMENT.finditer(text) if _literal(m.group(2))
            ]

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "env" and isinstance(value, dict):
                    for name, mapped in value.items():
                        if re.fullmatch(_SECRET_NAME, name, re.IGNORECASE) and not MACRO.fullmatch(str(mapped)):
                            problems.append(f"{where}: env {name} is not mapped from a pipeline variable")
                if key == "variables":
                    declared = variables_of({"variables": value})
                    for name, mapped in declared.items():
                        if re.fullmatch(_SECRET_NAME, name, re.IGNORECASE) and _literal(mapped):
                            problems.append(f"{where}: variable {name} has a literal value")
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, item in enumerate(node):
                walk(item, f"{where}[{i}]")

    walk(pipeline, "pipeline")
    return problems
