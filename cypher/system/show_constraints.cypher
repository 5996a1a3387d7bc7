// The constraints of the database, by name.
// Returns: name, labels, properties, type.
SHOW CONSTRAINTS
YIELD name, labelsOrTypes, properties, type
RETURN name, labelsOrTypes AS labels, properties, type
ORDER BY name
