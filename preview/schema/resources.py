"""Type token -> resource class -> input class, read from the installed provider SDKs."""

from __future__ import annotations

import difflib
import importlib
import importlib.metadata
import inspect
import typing
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any

import pulumi
from pulumi import _types as pulumi_types
from pulumi.runtime import rpc as pulumi_rpc

from preview.schema.annotations import init_of, namespace, resolve_name

CHECKED_PACKAGES: tuple[str, ...] = ("azure-native", "random")
"""Provider packages whose resources are validated; other tokens (components, stack,
provider resources) are outside the scope of a provider schema and are skipped."""


@dataclass(frozen=True)
class Target:
    """What a type token resolves to, or why it does not."""

    resource_cls: type | None
    args_cls: type | None
    error: str = ""


def _python_package(pkg: str) -> str:
    """Pulumi's naming convention for a provider's Python SDK package."""
    return "pulumi_" + pkg.replace("-", "_")


@cache
def _sdk_label(module_name: str) -> str:
    """The SDK and its version, for error messages only: reading package metadata is slow."""
    dist = module_name.replace("_", "-")
    try:
        return f"{dist} {importlib.metadata.version(dist)}"
    except importlib.metadata.PackageNotFoundError:
        return dist


def _registered_classes(pkg: str, mod: str) -> tuple[str, dict[str, str]] | None:
    """(python module, {type token: class name}) from the SDK's resource-module registry."""
    module = pulumi_rpc.get_resource_module(pkg, mod, "")
    info = getattr(module, "mod_info", None)
    if not isinstance(info, Mapping):
        return None
    return str(info.get("fqn", "")), dict(info.get("classes", {}))


def _args_class(resource_cls: type) -> type | None:
    """The ``*Args``/``*InitArgs`` class, as typed on the ``args`` overload of ``__init__``."""
    ns = namespace(resource_cls.__module__)
    init = init_of(resource_cls)
    for overload in typing.get_overloads(init):
        annotation = overload.__annotations__.get("args")
        if isinstance(annotation, str):
            annotation = resolve_name(annotation, ns)
        if isinstance(annotation, type) and pulumi_types.is_input_type(annotation):
            return annotation
    code = getattr(init, "__code__", None)
    for name in code.co_names if code is not None else ():  # get_resource_args_opts(XArgs, ...)
        candidate = ns.get(name)
        if isinstance(candidate, type) and pulumi_types.is_input_type(candidate):
            return candidate
    return None


def _declares(resource_cls: Any, tokens: Iterable[str]) -> bool:
    """Whether the class registers itself under one of ``tokens`` (a literal in ``_internal_init``)."""
    code = getattr(getattr(resource_cls, "_internal_init", None), "__code__", None)
    return code is not None and any(token in code.co_consts for token in tokens)


def _find_resource_class(pkg: str, mod: str, name: str, py_pkg: str) -> tuple[type | None, list[str]]:
    """The resource class for a token, plus the registered tokens seen (for suggestions)."""
    # ``random:index:RandomString`` is the short form of ``random:index/randomString:RandomString``.
    candidates = [mod] if "/" in mod else [mod, f"{mod}/{name[:1].lower()}{name[1:]}"]
    known: list[str] = []
    for candidate in candidates:
        registered = _registered_classes(pkg, candidate)
        if registered is None:
            continue
        fqn, classes = registered
        known.extend(classes)
        class_name = classes.get(f"{pkg}:{candidate}:{name}")
        if class_name is not None:
            resource_cls = getattr(importlib.import_module(fqn), class_name, None)
            if isinstance(resource_cls, type) and issubclass(resource_cls, pulumi.CustomResource):
                return resource_cls, known
    if not known:  # registry unavailable: look the class up by convention, then verify its token
        tokens = [f"{pkg}:{candidate}:{name}" for candidate in candidates]
        for module_name in (f"{py_pkg}.{mod.split('/', 1)[0]}", py_pkg):
            try:
                resource_cls = getattr(importlib.import_module(module_name), name, None)
            except ImportError:
                continue
            if isinstance(resource_cls, type) and _declares(resource_cls, tokens):
                return resource_cls, known
    return None, known


@cache
def target(type_token: str) -> Target:
    """The resource and input classes of a type token, or the reason there are none (cached)."""
    parts = type_token.split(":")
    if len(parts) != 3 or not all(parts):
        return Target(None, None, "malformed type token; expected '<package>:<module>:<Type>'")
    pkg, mod, name = parts
    py_pkg = _python_package(pkg)
    try:
        importlib.import_module(py_pkg)  # registers the SDK's resource modules
    except ImportError:
        return Target(None, None, f"provider SDK '{py_pkg}' is not installed")
    resource_cls, known = _find_resource_class(pkg, mod, name, py_pkg)
    if resource_cls is not None:
        args_cls = _args_class(resource_cls)
        if args_cls is None:
            return Target(resource_cls, None, f"cannot find the args class of {name} in {_sdk_label(py_pkg)}")
        return Target(resource_cls, args_cls)
    reason = f"no such resource type in the installed SDK ({_sdk_label(py_pkg)})"
    if not known:
        reason += f"; module '{mod}' does not exist"
    close = difflib.get_close_matches(type_token, known, n=3, cutoff=0.6)
    if close:
        reason += "; did you mean " + " or ".join(f"'{c}'" for c in close) + "?"
    return Target(None, None, reason)


def args_class(type_token: str) -> type | None:
    """The SDK's input class for a resource type; None outside the checked packages or for an unknown type."""
    if type_token.split(":", 1)[0] not in CHECKED_PACKAGES:
        return None
    return target(type_token).args_cls


@cache
def is_taggable(type_token: str) -> bool:
    """Whether the resource type takes `tags`, read from its SDK input class."""
    cls = args_class(type_token)
    return cls is not None and "tags" in inspect.signature(init_of(cls)).parameters
