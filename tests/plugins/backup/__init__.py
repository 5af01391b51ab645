"""Tests of the backup plugin's file work (plugins/backup)."""
