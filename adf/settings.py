"""The factory's own settings from ADF Studio's git folder, and the read-only metadata it writes into files.

`factory/<factory>.json` holds the factory resource: its global parameters, and its name, location,
identity and network settings, which this platform owns (they come from the stack, not the file).
Some repositories keep the global parameters in `globalParameters/<name>.json` instead, in the shape
of the API's global parameter resource: `{"name": "default", "properties": {"<parameter>": {...}}}`
(https://learn.microsoft.com/rest/api/datafactory/global-parameters/create-or-update).
"""

from __future__ import annotations

from typing import Any

READ_ONLY_EVERYWHERE = ("lastPublishTime", "lastModifiedByObjectId")
"""Read-only metadata ADF Studio writes into the properties of any file; the service sets it, so it is dropped."""
READ_ONLY = {"trigger": ("runtimeState",)}
"""Read-only properties by kind: a trigger's runtimeState is started/stopped by the service, not deployed."""

GLOBAL_PARAMETER_TYPES = {name.lower(): name for name in ("Object", "String", "Int", "Float", "Bool", "Array")}
"""The API's global parameter types; ADF Studio writes them in lower case ("string"), the API's enum is
capitalised (https://learn.microsoft.com/rest/api/datafactory/factories/create-or-update#globalparametertype)."""

PLATFORM_PARAMETERS = ("environment",)
"""Global parameters the platform sets per stack; a file's value for them is replaced."""


def read_settings(
    folder: str,
    document: dict[str, Any],
    file: str,
    global_parameters: list[tuple[str, dict[str, Any]]],
    notes: list[str],
    problems: list[str],
) -> None:
    """Collect the global parameters of a `factory/` or `globalParameters/` file; note what is ignored."""
    properties = document.get("properties")
    if folder == "factory" and properties is None:
        # A factory without global parameters: ADF Studio writes only its name, location and identity.
        properties = {}
    if not isinstance(properties, dict):
        problems.append(f"{file}: properties: missing or not an object")
        return
    if folder == "factory":
        ignored = sorted({key for key in document if key not in ("name", "properties")} | set(properties))
        ignored = [key for key in ignored if key not in ("globalParameters", "type")]
        if ignored:
            notes.append(
                f"{file}: ignored {', '.join(ignored)}: the platform sets the factory's name, location, identity "
                "and network from the stack; only globalParameters is read from this file"
            )
        declared = properties.get("globalParameters", {})
        where = "properties.globalParameters"
    else:
        declared, where = properties, "properties"
    if not isinstance(declared, dict):
        problems.append(f"{file}: {where}: expected an object of '<name>': {{'type': ..., 'value': ...}}")
        return
    known = {name.lower(): (name, spec) for name, spec in global_parameters}
    for name, spec in declared.items():
        path = f"{file}: {where}.{name}"
        if name.lower() in known:
            first, first_spec = known[name.lower()]
            if isinstance(spec, dict) and _normalised(spec) == first_spec:
                continue  # another factory's file of the same repository, with the same value
            problems.append(
                f"{path}: global parameter '{first}' is declared twice, with different values; ADF Studio writes "
                "one factory file per factory connected to the repository: keep the one this factory deploys"
            )
            continue
        if not isinstance(spec, dict) or "value" not in spec:
            problems.append(f"{path}: expected {{'type': 'String', 'value': ...}}")
            continue
        kind = GLOBAL_PARAMETER_TYPES.get(str(spec.get("type", "")).lower())
        if kind is None:
            allowed = ", ".join(GLOBAL_PARAMETER_TYPES.values())
            problems.append(f"{path}.type: {spec.get('type')!r} is not a global parameter type; allowed: {allowed}")
            continue
        if name in PLATFORM_PARAMETERS:
            notes.append(f"{path}: the platform sets '{name}' per stack; the file's value is not used")
            continue
        global_parameters.append((name, {"type": kind, "value": spec["value"]}))
        known[name.lower()] = (name, global_parameters[-1][1])


def _normalised(spec: dict[str, Any]) -> dict[str, Any] | None:
    """A declaration as global_parameters holds it, to compare with one read before."""
    kind = GLOBAL_PARAMETER_TYPES.get(str(spec.get("type", "")).lower())
    return {"type": kind, "value": spec.get("value")} if kind is not None and "value" in spec else None
