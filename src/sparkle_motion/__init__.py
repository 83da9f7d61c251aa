"""Sparkle Motion: idea to short film on ADK.

Importing the package is cheap: it pulls in neither torch, diffusers nor
google.adk. Heavy libraries are imported inside the adapter that needs them.
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
