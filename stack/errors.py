"""One base type for every error that means "the input is wrong", so callers catch it once."""

from __future__ import annotations


class InputError(Exception):
    """Bad input: a stack file, a config key, ADF content, a SQL script, or what the checks refuse.

    The command line turns it into exit code 2 with the message; nothing else is an input error.
    `registered_before_failure` says how many resources the program had registered when it was raised.
    """

    registered_before_failure: int = 0


class ConfigError(InputError):
    """Raised for stack configuration that the platform cannot deploy."""
