"""Pulumi component resources of the data platform, one Azure concern per module."""
