"""Who talks to whom on the platform, and whether the plan gives each conversation a network path."""
