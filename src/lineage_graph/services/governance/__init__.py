"""The governance context: OPA decisions, write-path gates, compliance scans, dry runs, retention."""
