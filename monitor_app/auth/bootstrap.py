"""The first administrator of a headless monitor: from ``MONITOR_ADMIN_PASSWORD``, or generated and written to
a file only the owner can read. There is never a default password.

The GUI does not use the generated path: when ``AccountService.has_users()`` is false it asks the person at
the PC for a password and calls ``AccountService.ensure_admin``.
"""

import logging
import os
import secrets
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from monitor_app.auth.errors import BootstrapError
from monitor_app.auth.passwords import password_problems
from monitor_app.auth.service import ADMIN_USERNAME, AccountService
from monitor_app.core.accounts import User
from monitor_app.core.errors import MonitorError

log = logging.getLogger(__name__)

#: Environment variable with the first administrator's password.
ENV_ADMIN_PASSWORD = "MONITOR_ADMIN_PASSWORD"
#: File in the data folder that receives a generated password.
PASSWORD_FILE_NAME = "initial-admin-password.txt"


@dataclass(frozen=True, slots=True)
class InitialAdmin:
    """The administrator that was just created and where its password came from.

    Attributes:
        user: The new ``admin`` account.
        source: ``"env"`` (``MONITOR_ADMIN_PASSWORD``) or ``"generated"``.
        password_file: Where a generated password was written (``None`` for ``"env"``); log this path, never
            the password.
    """

    user: User
    source: Literal["env", "generated"]
    password_file: Path | None = None


def initial_admin_password(
    service: AccountService, data_dir: Path, *, environ: Mapping[str, str] | None = None
) -> InitialAdmin | None:
    """Create ``admin`` if there is no account yet; ``None`` if accounts exist (nothing is done then).

    With ``MONITOR_ADMIN_PASSWORD`` set, that is the password. Without it a random one is generated and
    written to ``<data_dir>/initial-admin-password.txt``, readable by the owner only (on Windows the file
    inherits the data folder's permissions, which are the user's own under AppData).

    Raises:
        BootstrapError: the environment password breaks the policy, the password file already exists
            (it is never overwritten) or cannot be written. No account is created then.
    """
    if service.has_users():
        return None
    env = os.environ if environ is None else environ
    password = env.get(ENV_ADMIN_PASSWORD)
    if password:
        problems = password_problems(password, username=ADMIN_USERNAME)
        if problems:
            reasons = "; ".join(problem.message for problem in problems)
            raise BootstrapError(
                f"{ENV_ADMIN_PASSWORD} is not an acceptable password for the first administrator: "
                f"the password {reasons}. Set a stronger one, or unset it to have a random password generated"
            )
        user = _create(service, password)
        log.info(
            "first administrator %r created with the password from %s", user.username, ENV_ADMIN_PASSWORD
        )
        return InitialAdmin(user=user, source="env")
    path = Path(data_dir) / PASSWORD_FILE_NAME
    password = generate_password()
    _write_secret_file(path, password)
    try:
        user = _create(service, password)
    except BaseException:
        with suppress(OSError):
            path.unlink()
        raise
    log.warning(
        "first administrator %r created with a generated password, written to %s: sign in, change the "
        "password and delete that file",
        user.username,
        path,
    )
    return InitialAdmin(user=user, source="generated", password_file=path)


def generate_password() -> str:
    """A random password that passes the policy: 16 URL-safe characters (96 bits)."""
    while True:
        password = secrets.token_urlsafe(12)
        if not password_problems(password, username=ADMIN_USERNAME):
            return password


def _create(service: AccountService, password: str) -> User:
    try:
        return service.ensure_admin(password)
    except MonitorError as exc:
        raise BootstrapError(f"cannot create the first administrator: {exc.message}") from exc


def _write_secret_file(path: Path, password: str) -> None:
    text = (
        f"{password}\n\n"
        f"The password of the monitor_app user '{ADMIN_USERNAME}', generated on first start.\n"
        "Sign in with it, change it (e.g. PUT /api/users/<id> with a new password) and delete this file.\n"
    )
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # FileExistsError too: something that is not a folder is in the way
        raise BootstrapError(f"cannot write the first administrator's password to {path}: {exc}") from exc
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError as exc:
        raise BootstrapError(
            f"{path} already exists but there is no account: it was left untouched. If it holds a password "
            f"you no longer need, delete it; or set {ENV_ADMIN_PASSWORD}. Then start again"
        ) from exc
    except OSError as exc:
        raise BootstrapError(f"cannot write the first administrator's password to {path}: {exc}") from exc
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        if os.name == "posix":
            os.chmod(path, 0o600)  # in case the file system ignored the mode given to open
    except OSError as exc:
        with suppress(OSError):
            path.unlink()
        raise BootstrapError(f"cannot write the first administrator's password to {path}: {exc}") from exc
