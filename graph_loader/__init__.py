"""lamcoop's data side: settings, the store, loading, building, validating and auditing."""

__version__ = "0.1.0"
