// The root of a walk: does it exist, and what kind is it (for the deadline fallback).
// Parameters: $uid.
// Returns: kind; no row when there is no such node.
MATCH (s:Entity {uid: $uid})
RETURN s.kind AS kind
