"""The engine facade: the one object the GUI, the REST API and plugins talk to."""
