"""Compute backends, one module each, found through `registry` by the render profile."""
