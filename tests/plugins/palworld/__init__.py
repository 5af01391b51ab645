"""Tests of the Palworld plugin's protocol side (REST, RCON texts, PalWorldSettings.ini)."""
