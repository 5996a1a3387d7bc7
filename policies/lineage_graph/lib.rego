# METADATA
# title: Shared helpers
# description: >-
#   The decision and finding shapes, batch expansion and value checks that every
#   lineage_graph policy package uses, so the contract with the Python side is
#   defined once. Functions only: nothing here reads input or data.
package lineage_graph.lib

# METADATA
# title: Finding
# description: One violation or warning, in the shape the Python side records.
finding(code, message, entity, remediation) := {
	"code": code,
	"message": message,
	"entity": entity,
	"remediation": remediation,
}

# METADATA
# title: Decision
# description: >-
#   The uniform decision document: allow is true iff there are no violations.
#   Findings are sorted (by code, then entity, then message) so decisions are reproducible.
decision(violations, warnings) := {
	"allow": count(violations) == 0,
	"violations": sort(violations),
	"warnings": sort(warnings),
}

# METADATA
# title: Batch items
# description: >-
#   The subjects of a batch document, in order: each of doc.items, with the
#   top-level fields of doc (other than items) as defaults for the fields an item
#   lacks. The merge is shallow: a field the item has, even null, replaces the
#   shared one whole. An item that is not an object is kept as is, so its decision
#   reports invalid input instead of dropping out of the list.
items(doc) := [subject |
	is_object(doc)
	shared := object.remove(doc, {"items"})
	some item in doc.items
	subject := _merged(shared, item)
]

_merged(shared, item) := object.union(object.remove(shared, object.keys(item)), item) if is_object(item)

_merged(_, item) := item if not is_object(item)

# METADATA
# title: Timestamp
# description: >-
#   Nanoseconds since the epoch of an RFC3339 timestamp string
#   (e.g. 2026-11-26T10:00:00Z); undefined for anything else.
timestamp_ns(value) := time.parse_rfc3339_ns(value) if {
	is_string(value)
	regex.match(`^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$`, value)
}

# METADATA
# title: Text
# description: True for a string with at least one non-blank character.
text(value) if {
	is_string(value)
	trim_space(value) != ""
}

# METADATA
# title: Text at a path
# description: >-
#   The string at path (a key or an array of keys) in obj when it is non-blank text,
#   else "". Total: defined whatever obj is, without relying on builtin errors.
text_at(obj, path) := value if {
	is_object(obj)
	value := object.get(obj, path, null)
	is_string(value)
	trim_space(value) != ""
} else := ""

# METADATA
# title: Value at a path
# description: >-
#   The value at path in obj, or null when it is missing. Total, so it is safe
#   inside `not` (a call whose argument is undefined is itself undefined, and
#   `not` of that is undefined too, not true).
value_at(obj, path) := object.get(obj, path, null) if is_object(obj)

else := null

# METADATA
# title: Uid
# description: The uid of an entity object, or "" when it has none.
uid(entity) := entity.uid if {
	is_string(entity.uid)
	trim_space(entity.uid) != ""
} else := ""

# METADATA
# title: Array at a path
# description: The array at path in obj, or [] when it is missing or not an array.
array_at(obj, path) := value if {
	is_object(obj)
	value := object.get(obj, path, null)
	is_array(value)
} else := []

# METADATA
# title: Days in nanoseconds
days_ns(days) := round(((days * 24) * 3600) * 1000000000)

# METADATA
# title: Enumeration
# description: The values of a set or array as one sorted, comma-separated string.
enumeration(values) := concat(", ", sort(values))
