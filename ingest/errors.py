"""The one error type of ingestion: a file that cannot be indexed, and why."""

from __future__ import annotations


class IngestError(Exception):
    """Raised for a file that cannot be ingested. ``str()`` is the one-line message for users."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
