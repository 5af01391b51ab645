"""The embedded REST API: pure routing and handlers over the engine facade, and one Qt transport module."""
