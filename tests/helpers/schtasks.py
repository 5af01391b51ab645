"""A stand-in for ``schtasks.exe`` (tests run on Linux): keeps registered task definitions and the passwords
Task Scheduler would store, checks each command line, and answers with schtasks' own messages."""

from collections.abc import Sequence
from pathlib import Path

SCHTASKS = r"C:\WINDOWS\System32\schtasks.exe"
#: Environment of a Windows user whose name has a space (the task name and the XML must cope).
WINDOWS_ENV = {"USERDOMAIN": "GAMEPC", "USERNAME": "Kim Min-jun", "SystemRoot": r"C:\WINDOWS"}
TASK = r"monitor_app\Engine Kim Min-jun"
ACCOUNT = r"GAMEPC\Kim Min-jun"
#: The account's password in these tests; looks like nothing else in any message, so finding it anywhere is a leak.
SECRET = "Hunter2-비밀-s3cret!"


class FakeSchtasks:
    """Answers like schtasks.exe: keeps registered definitions, reads the /XML file while /Create runs."""

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.tasks: dict[str, str] = {}
        self.state = "Ready"
        self.denied = False
        self.missing = False
        self.raw_xml: bytes = b""
        self.password = SECRET  # the account's real password, as Windows checks it
        self.stored_passwords: dict[str, str] = {}  # what Task Scheduler keeps per task
        self.echo_argv = False  # a misbehaving tool that repeats its command line in its error
        self.raises: Exception | None = None

    def __call__(self, argv: Sequence[str]) -> tuple[int, str, str]:
        argv = list(argv)
        self.calls.append(argv)
        if self.missing:
            raise FileNotFoundError(2, "The system cannot find the file specified", argv[0])
        if self.raises is not None:
            raise self.raises
        assert argv[0] == SCHTASKS
        verb, name = argv[1], argv[3]
        assert argv[2] == "/TN"
        if self.denied and verb in ("/Create", "/Delete"):
            return 1, "", "ERROR: Access is denied.\r\n"
        if verb == "/Create":
            assert argv[4] == "/XML" and argv[-1] == "/F"
            credentials = argv[6:-1]
            assert credentials == [] or (len(credentials) == 4 and credentials[::2] == ["/RU", "/RP"]), argv
            if credentials and credentials[3] != self.password:
                more = f" ({' '.join(argv)})" if self.echo_argv else ""
                return 1, "", f"ERROR: The user name or password is incorrect.{more}\r\n"
            self.raw_xml = Path(argv[5]).read_bytes()
            self.tasks[name.lower()] = self.raw_xml.decode("utf-16")
            if credentials:
                self.stored_passwords[name.lower()] = credentials[3]
            else:
                self.stored_passwords.pop(name.lower(), None)
            return 0, f'SUCCESS: The scheduled task "{name}" has successfully been created.\r\n', ""
        if name.lower() not in self.tasks:
            return 1, "", "ERROR: The system cannot find the file specified.\r\n"
        if verb == "/Delete":
            del self.tasks[name.lower()]
            return 0, f'SUCCESS: The scheduled task "{name}" was successfully deleted.\r\n', ""
        assert verb == "/Query"
        if argv[4:] == ["/XML"]:
            return 0, self.tasks[name.lower()], ""
        if argv[4:] == ["/FO", "CSV", "/NH"]:
            return 0, f'"\\{name}","N/A","{self.state}"\r\n', ""
        assert argv[4:] == [], argv
        return (
            0,
            f"Folder: \\monitor_app\r\nTaskName  Next Run Time  Status\r\n{name}  N/A  {self.state}\r\n",
            "",
        )
