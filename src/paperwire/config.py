"""Settings: command-line option, else PAPERWIRE_* environment variable, else TOML, else default.

The optional TOML file is named by PAPERWIRE_CONFIG (an example is in the README):

    db = "/srv/paperwire/papers.db"
    contact = "papers-admin@example.org"   # named in the harvesters' User-Agent
    [harvest]
    sets = ["cs"]                  # OAI-PMH sets the worker harvests
    categories = ["cs.LG", "cs.CL"]  # new submissions from the arXiv API
    [worker]
    arxiv_every_minutes = 60
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from paperwire.sources.http import Politeness


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "paperwire"


def _from_toml() -> dict:
    path = os.environ.get("PAPERWIRE_CONFIG")
    if not path:
        return {}
    with open(path, "rb") as fp:
        return tomllib.load(fp)


def _pick(env: str, section: dict, key: str, default, kind=str):
    """The environment variable, else the TOML key, else the default, as `kind`."""
    raw = os.environ.get(env)
    if raw not in (None, ""):
        return kind(raw) if kind is not list else [v for v in raw.replace(",", " ").split() if v]
    return kind(section[key]) if key in section else default


@dataclass(frozen=True)
class HarvestSettings:
    oai_url: str = "https://oaipmh.arxiv.org/oai"
    arxiv_api: str = "https://export.arxiv.org/api/query"
    hf_url: str = "https://huggingface.co"
    sets: list[str] = field(default_factory=lambda: ["cs"])
    categories: list[str] = field(default_factory=lambda: ["cs.LG", "cs.CL", "cs.CV", "cs.AI"])
    metadata_prefix: str = "arXivRaw"
    arxiv: Politeness = Politeness()  # arXiv asks for one request every 3 seconds
    hf: Politeness = Politeness(interval=1.0)


@dataclass(frozen=True)
class WorkerSettings:
    """What `paperwire worker` runs and how often (minutes; the integrity check nightly)."""

    arxiv_every_minutes: float = 60
    hf_every_minutes: float = 60
    integrity_hour_utc: int = 3
    tick_seconds: float = 5.0  # how often the worker looks at its schedule
    first_days: int = 7  # a set's first harvest by the worker reaches this far back


@dataclass(frozen=True)
class Settings:
    db: Path
    harvest: HarvestSettings = HarvestSettings()
    worker: WorkerSettings = WorkerSettings()

    @property
    def data_dir(self) -> Path:
        return self.db.parent

    @property
    def lexical_dir(self) -> Path:
        return self.db.with_name(self.db.name + ".index") / "lexical"

    @property
    def vectors_dir(self) -> Path:
        return self.db.with_name(self.db.name + ".index") / "vectors"

    @property
    def model_dir(self) -> Path:
        """Where `paperwire model prepare` puts the fast model (PAPERWIRE_MODEL_DIR)."""
        chosen = os.environ.get("PAPERWIRE_MODEL_DIR")
        return Path(chosen) if chosen else default_data_dir() / "models" / "minilm-int8"

    @classmethod
    def load(cls, db: str | Path | None = None) -> Settings:
        toml = _from_toml()
        chosen = db or os.environ.get("PAPERWIRE_DB") or toml.get("db")
        return cls(
            db=Path(chosen) if chosen else default_data_dir() / "paperwire.db",
            harvest=_harvest_settings(toml),
            worker=_worker_settings(toml.get("worker", {})),
        )


def _politeness(h: dict, contact: str, interval: float) -> Politeness:
    return Politeness(
        interval=interval,
        attempts=_pick("PAPERWIRE_HARVEST_ATTEMPTS", h, "attempts", 5, int),
        backoff=_pick("PAPERWIRE_HARVEST_BACKOFF", h, "backoff", 2.0, float),
        backoff_max=_pick("PAPERWIRE_HARVEST_BACKOFF_MAX", h, "backoff_max", 120.0, float),
        timeout=_pick("PAPERWIRE_HARVEST_TIMEOUT", h, "timeout", 30.0, float),
        contact=contact)


def _harvest_settings(toml: dict) -> HarvestSettings:
    """The [harvest] section; arxiv_api, arxiv_interval and contact sit at the top level."""
    h = toml.get("harvest", {})
    contact = _pick("PAPERWIRE_CONTACT", toml, "contact", "")
    d = HarvestSettings()
    # seconds between arXiv requests, 3 as arXiv asks
    arxiv_interval = _pick("PAPERWIRE_ARXIV_INTERVAL", toml, "arxiv_interval",
                           d.arxiv.interval, float)
    return HarvestSettings(
        oai_url=_pick("PAPERWIRE_OAI_URL", h, "oai_url", d.oai_url),
        arxiv_api=_pick("PAPERWIRE_ARXIV_API", toml, "arxiv_api", d.arxiv_api),
        hf_url=_pick("PAPERWIRE_HF_URL", h, "hf_url", d.hf_url),
        sets=_pick("PAPERWIRE_HARVEST_SETS", h, "sets", d.sets, list),
        categories=_pick("PAPERWIRE_HARVEST_CATEGORIES", h, "categories", d.categories, list),
        metadata_prefix=_pick("PAPERWIRE_OAI_FORMAT", h, "metadata_prefix", d.metadata_prefix),
        arxiv=_politeness(h, contact, arxiv_interval),
        hf=_politeness(h, contact, _pick("PAPERWIRE_HF_INTERVAL", h, "hf_interval", 1.0, float)),
    )


def _worker_settings(w: dict) -> WorkerSettings:
    d = WorkerSettings()
    return WorkerSettings(
        arxiv_every_minutes=_pick("PAPERWIRE_ARXIV_EVERY", w, "arxiv_every_minutes",
                                  d.arxiv_every_minutes, float),
        hf_every_minutes=_pick("PAPERWIRE_HF_EVERY", w, "hf_every_minutes",
                               d.hf_every_minutes, float),
        integrity_hour_utc=_pick("PAPERWIRE_INTEGRITY_HOUR", w, "integrity_hour_utc",
                                 d.integrity_hour_utc, int),
        tick_seconds=_pick("PAPERWIRE_WORKER_TICK", w, "tick_seconds", d.tick_seconds, float),
        first_days=_pick("PAPERWIRE_FIRST_DAYS", w, "first_days", d.first_days, int),
    )
