"""The bundled Palworld plugin: REST API first, RCON as the fallback (see reference/palworld-protocols.md)."""
