"""Statistics over a run's result files (no Django): the quarterly report and its drill-down."""
