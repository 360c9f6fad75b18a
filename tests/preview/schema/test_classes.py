"""The discriminators read from an input class's initializer, as the generated SDK writes them."""

from __future__ import annotations

from typing import Any

import pulumi
import pulumi_azure_native.datafactory as adf

from preview.schema.classes import constants, dispatch


def _input_class(body: str, properties: str = "", self_name: str = "__self__") -> type:
    """An input class whose initializer is `body`, written the way azure-native's generator writes them."""
    source = f"class Sample:\n    def __init__({self_name}, *, name=None):\n" + body + properties
    namespace: dict[str, Any] = {"pulumi": pulumi}
    exec(source, namespace)
    return pulumi.input_type(namespace["Sample"])


def test_a_string_pinned_to_a_literal_is_a_discriminator_and_a_variable_is_not() -> None:
    cls = _input_class(
        "        pulumi.set(__self__, 'type', 'Copy')\n"
        "        pulumi.set(__self__, 'name', name)\n"
        "        pulumi.set(__self__, 'mode', None)\n"
    )
    assert constants(cls) == {"type": "Copy"}


def test_an_integer_literal_is_a_discriminator_too() -> None:
    assert constants(_input_class("        pulumi.set(__self__, 'version', 2)\n")) == {"version": 2}


def test_a_literal_past_the_first_256_constants_is_still_read() -> None:
    """Its index needs an EXTENDED_ARG prefix, which the scan folds into the argument."""
    filler = "".join(f"        x{index} = 'filler-{index}'\n" for index in range(300))
    cls = _input_class(filler + "        pulumi.set(__self__, 'type', 'Lookup')\n")
    assert constants(cls) == {"type": "Lookup"}


def test_an_initializer_without_self_falls_back_to_the_getters_expected_value() -> None:
    prop = (
        "    @property\n"
        "    @pulumi.getter\n"
        "    def type(self):\n"
        '        """Expected value is \'Wait\'."""\n'
        "        return pulumi.get(self, 'type')\n"
    )
    assert constants(_input_class("        self.name = name\n", prop, self_name="self")) == {"type": "Wait"}


def test_the_sdks_activity_classes_are_told_apart_by_their_type() -> None:
    assert constants(adf.CopyActivityArgs) == {"type": "Copy"}
    assert constants(adf.WaitActivityArgs) == {"type": "Wait"}
    table = dispatch((adf.CopyActivityArgs, adf.WaitActivityArgs, adf.LookupActivityArgs)).by_prop["type"]
    assert table == {"Copy": [adf.CopyActivityArgs], "Wait": [adf.WaitActivityArgs], "Lookup": [adf.LookupActivityArgs]}
