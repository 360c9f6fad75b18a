"""Synthetic emotional-event batches for the lake's bronze container (the Function app's code)."""
