"""Developer tooling: the pull-request check and the pre-commit hooks."""
