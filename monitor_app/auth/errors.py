"""Errors of signing in and of setting up the first account."""

import math

from monitor_app.core.errors import MonitorError


class AuthError(MonitorError):
    """Signing in did not work."""

    code = "auth_error"


class InvalidCredentialsError(AuthError):
    """Unknown user or wrong password: one message for both, so nobody learns which usernames exist."""

    code = "invalid_credentials"

    def __init__(self, message: str = "wrong username or password") -> None:
        super().__init__(message)


class AccountLockedError(AuthError):
    """Too many failed sign-ins for this username; it is locked for ``retry_after`` more seconds."""

    code = "locked"

    def __init__(self, retry_after: float) -> None:
        self.retry_after = retry_after
        seconds = max(1, math.ceil(retry_after))
        super().__init__(f"too many failed sign-ins for this username; try again in {seconds} s")


class BootstrapError(MonitorError):
    """The first administrator could not be set up (weak ``MONITOR_ADMIN_PASSWORD``, unwritable folder...)."""

    code = "bootstrap_error"
