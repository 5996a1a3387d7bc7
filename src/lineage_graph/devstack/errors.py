"""Errors raised while provisioning or starting local servers: one clear line each."""


class ProvisionError(RuntimeError):
    """A tool is missing or a download/build failed; the message says what to install."""


class ServerStartError(RuntimeError):
    """A server did not come up; the message names it and points at its log."""
