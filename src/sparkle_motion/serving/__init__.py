"""`sparkle-motion serve` as code: which processes (units.py), how each starts (child.py),
and the supervisor that keeps them up and stops them together (supervisor.py)."""
