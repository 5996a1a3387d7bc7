// Every deployment environment, in promotion order (dev → staging → prod).
// Parameters: none.
// Returns: props (properties of the environment).
MATCH (e:Environment)
RETURN properties(e) AS props
ORDER BY e.order
