"""Who talks to whom on the platform, and whether the plan gives each conversation a network path."""

from reachability.check import ReachabilityError, Violation, check

__all__ = ["ReachabilityError", "Violation", "check"]
