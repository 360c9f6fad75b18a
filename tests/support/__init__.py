"""Test helpers that stand in for services the tests cannot reach."""
