"""The catalog context: registering, publishing, deploying and reading catalog entities."""
