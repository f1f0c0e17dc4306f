"""Each model's results for one refresh, computed once from (AMS data + assumptions) as typed,
read-only results: the one source for the sheets, `agency-xl metrics`, AMS_METRIC, the history of
refreshes and the backtests. Between ``models`` (pure maths) and ``dashboards`` (layout only)."""
