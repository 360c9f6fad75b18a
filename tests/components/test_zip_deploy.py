"""Where the code goes: the SCM host is read from the site, never built from the app name."""

from __future__ import annotations

import pytest

from components.zip_deploy import MissingScmHostError, scm_base_url
from stack.errors import InputError

REGIONAL = "func-gen-a1b2c3d4e5f6g7h8.westeurope-01.azurewebsites.net"
REGIONAL_SCM = "func-gen-a1b2c3d4e5f6g7h8.scm.westeurope-01.azurewebsites.net"


def test_the_repository_host_of_the_site_is_the_scm_host() -> None:
    states = [{"name": REGIONAL, "hostType": "Standard"}, {"name": REGIONAL_SCM, "hostType": "Repository"}]
    assert scm_base_url(states, [REGIONAL]) == f"https://{REGIONAL_SCM}"


def test_without_ssl_states_the_enabled_scm_host_name_is_used() -> None:
    assert scm_base_url(None, [REGIONAL, REGIONAL_SCM]) == f"https://{REGIONAL_SCM}"


def test_a_site_without_an_scm_host_fails_clearly() -> None:
    with pytest.raises(MissingScmHostError, match=r"hostNameSslStates has no entry of hostType Repository") as raised:
        scm_base_url([{"name": REGIONAL, "hostType": "Standard"}], [REGIONAL])
    assert isinstance(raised.value, InputError)
