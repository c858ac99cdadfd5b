"""Developer tools run from a clone of the repository (`python -m tools.NAME`); not installed."""
