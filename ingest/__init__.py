"""Ingestion: loading files, cleaning extracted text, detecting metadata, chunking, and the
pipeline that writes chunks into the index. Nothing here imports torch or the vector store
at module import time."""
