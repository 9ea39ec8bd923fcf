"""CSP Knowledge Base: the command line and the settings shared by ingest/, index/ and app.py."""

__version__ = "0.1.0"
