"""The index: embeddings, the Chroma vector store, retrieval and (later) answering.
Heavy libraries (torch, sentence-transformers, chromadb, llama-index) load on first use."""
