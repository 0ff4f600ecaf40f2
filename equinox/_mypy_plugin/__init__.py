"""Implementation of the `equinox.mypy` plugin (imports mypy only, never jax)."""
