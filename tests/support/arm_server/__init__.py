"""A fake Azure Resource Manager for one Data Factory, over HTTPS on 127.0.0.1 (see `server`)."""

from tests.support.arm_server.connectivity import FakeLinkedService
from tests.support.arm_server.model import (
    FACTORY,
    RESOURCE_GROUP,
    SUBSCRIPTION,
    TOKEN,
    Activity,
    FakeTrigger,
    RunFrame,
)
from tests.support.arm_server.server import ArmServer
from tests.support.arm_server.tls import FakeCredential, make_certificate

__all__ = [
    "FACTORY",
    "RESOURCE_GROUP",
    "SUBSCRIPTION",
    "TOKEN",
    "Activity",
    "ArmServer",
    "FakeCredential",
    "FakeLinkedService",
    "FakeTrigger",
    "RunFrame",
    "make_certificate",
]
