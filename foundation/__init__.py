"""The foundation: the Pulumi project a private stack's deploy runs in, deployed before it (stack/foundation.py)."""
