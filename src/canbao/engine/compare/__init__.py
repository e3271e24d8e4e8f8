"""The comparison (信息比对) of comparison-rules.md as a pipeline of SQL steps (DuckDB or Spark)."""
