"""A database-backed queue of background jobs (imports, comparisons, later report builds and exports)."""
