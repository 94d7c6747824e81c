"""Settings: command-line option, else PAPERWIRE_* environment variable, else TOML, else default.

The optional TOML file is named by PAPERWIRE_CONFIG, e.g. `db = "/srv/paperwire/papers.db"`.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass
from pathlib import Path


def default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share"
    return Path(base) / "paperwire"


def _from_toml() -> dict:
    path = os.environ.get("PAPERWIRE_CONFIG")
    if not path:
        return {}
    with open(path, "rb") as fp:
        return tomllib.load(fp)


@dataclass(frozen=True)
class Settings:
    db: Path
    arxiv_api: str = "https://export.arxiv.org/api/query"
    arxiv_interval: float = 3.0  # seconds between arXiv requests, as arXiv asks

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
            arxiv_api=os.environ.get("PAPERWIRE_ARXIV_API") or toml.get("arxiv_api")
            or cls.arxiv_api,
            arxiv_interval=float(os.environ.get("PAPERWIRE_ARXIV_INTERVAL")
                                 or toml.get("arxiv_interval", cls.arxiv_interval)),
        )
