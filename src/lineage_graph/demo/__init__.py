"""The demo catalog that `make up` loads."""
