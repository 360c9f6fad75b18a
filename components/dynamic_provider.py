"""How our dynamic providers travel from the program to the provider host.

Pulumi pickles a dynamic provider with dill into the resource's `__provider` input and, at
create, update and delete, unpickles it in `python -m pulumi.dynamic`, a separate process
started in the program directory. A provider class is pickled by reference (module and
name), so that process must be able to import `components`: from the program directory,
or from the project installed into its environment (`pip install <project>`).

A bare reference fails with `No module named 'components'` when neither holds. Our
providers pickle as a small loader instead, which imports the same module and class and
says what to do when it cannot. The module path and class name stay in the pickle, so
keep them stable: a delete runs the provider stored in the stack state.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pulumi.dynamic


def _make_loader() -> Callable[[str, str], pulumi.dynamic.ResourceProvider]:
    # dill pickles a function it cannot find by name (this nested one) by value, with the globals
    # it uses. So the loader must use only builtins and modules of the standard library: anything
    # of ours it named would be pickled by reference and need `components` before it could run.
    def load_provider(module: str, qualname: str) -> pulumi.dynamic.ResourceProvider:
        import importlib
        import os

        try:
            found: Any = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name is None or not (module == exc.name or module.startswith(exc.name + ".")):
                raise
            raise ModuleNotFoundError(
                f"the dynamic provider {module}.{qualname} cannot be imported by the provider host, which "
                f"runs in {os.getcwd()}. Run pulumi from the project directory (where Pulumi.yaml is), or "
                f"install the project into the Python environment that runs pulumi: pip install <project directory>",
                name=exc.name,
            ) from exc
        for part in qualname.split("."):
            found = getattr(found, part)
        return found()

    # The code object keeps the file's absolute path; a path relative to the project keeps the
    # pickle, and so the stored `__provider`, the same on every machine.
    load_provider.__code__ = load_provider.__code__.replace(co_filename="components/dynamic_provider.py")
    return load_provider


load_provider = _make_loader()


class ProjectProvider(pulumi.dynamic.ResourceProvider):
    """A dynamic provider that pickles as `load_provider(module, class name)`."""

    def __reduce__(self) -> tuple[Any, ...]:
        return (load_provider, (type(self).__module__, type(self).__qualname__))
