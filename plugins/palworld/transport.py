"""One face for both ways of talking to a Palworld server: the REST API (preferred) and RCON (deprecated by
the game, ASCII only, one reply packet per command). The plugin calls these; errors come out as
``TransportError`` with a message written for the user."""

from . import rcon_text
from .models import Player, ServerInfo, ServerMetrics
from .rcon_text import ok_reply, parse_info, parse_players
from .rest import PalworldError, PalworldRest


class TransportError(Exception):
    """The server could not be reached or refused; the message says what to check."""


class RestTransport:
    name = "REST"

    def __init__(self, host: str, port: int, password: str, timeout: float = 5.0) -> None:
        self._rest = PalworldRest(host, port, password, timeout=timeout)

    def info(self) -> ServerInfo:
        return self._call(self._rest.info)

    def players(self) -> list[Player]:
        return self._call(self._rest.players)

    def metrics(self) -> ServerMetrics | None:
        return self._call(self._rest.metrics)

    def broadcast(self, message: str) -> None:
        self._call(self._rest.announce, message)

    def save(self) -> None:
        self._call(self._rest.save)

    def kick(self, userid: str, message: str | None = None) -> None:
        self._call(self._rest.kick, userid, message)

    def ban(self, userid: str, message: str | None = None) -> None:
        self._call(self._rest.ban, userid, message)

    def unban(self, userid: str) -> None:
        self._call(self._rest.unban, userid)

    def shutdown(self, seconds: int, message: str | None = None) -> None:
        self._call(self._rest.shutdown, seconds, message)

    def close(self) -> None:
        pass

    @staticmethod
    def _call(fn, *args):  # type: ignore[no-untyped-def]
        try:
            return fn(*args)
        except (PalworldError, ValueError) as exc:
            raise TransportError(str(exc)) from None


class RconTransport:
    name = "RCON"

    def __init__(self, host: str, port: int, password: str, timeout: float = 5.0) -> None:
        from monitor_app.pluginhost.api import RconClient

        self._client = RconClient(host, port, password, timeout=timeout)

    def info(self) -> ServerInfo:
        return parse_info(self._command(rcon_text.info()))

    def players(self) -> list[Player]:
        reply = self._client_command(rcon_text.show_players())
        return parse_players(reply.text, partial=reply.partial)

    def metrics(self) -> ServerMetrics | None:
        return None  # RCON has no metrics command

    def broadcast(self, message: str) -> None:
        self._expect(rcon_text.broadcast(message))

    def save(self) -> None:
        self._expect(rcon_text.save())

    def kick(self, userid: str, message: str | None = None) -> None:
        self._expect(rcon_text.kick(userid))

    def ban(self, userid: str, message: str | None = None) -> None:
        self._expect(rcon_text.ban(userid))

    def unban(self, userid: str) -> None:
        self._expect(rcon_text.unban(userid))

    def shutdown(self, seconds: int, message: str | None = None) -> None:
        self._expect(rcon_text.shutdown(seconds, message))

    def close(self) -> None:
        self._client.close()

    def _expect(self, command: str) -> None:
        text = self._command(command)
        if not ok_reply(command, text):
            raise TransportError(f"the server answered {text.strip()[:120]!r} to {command.split()[0]}")

    def _command(self, command: str) -> str:
        return self._client_command(command).text

    def _client_command(self, command: str):  # type: ignore[no-untyped-def]
        from monitor_app.pluginhost.api import RconError

        try:
            return self._client.command(command)
        except RconError as exc:
            raise TransportError(str(exc)) from None
        except ValueError as exc:
            raise TransportError(str(exc)) from None
