"""The audit trail: the hash chain of events, and the unit of work that appends to it."""
