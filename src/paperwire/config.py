"""Settings: command-line option, else PAPERWIRE_* environment variable, else TOML, else default.

The optional TOML file is named by PAPERWIRE_CONFIG (an example is in the README):

    db = "/srv/paperwire/papers.db"
    contact = "papers-admin@example.org"   # named in the harvesters' User-Agent
    [harvest]
    sets = ["cs"]                  # OAI-PMH sets the worker harvests
    categories = ["cs.LG", "cs.CL"]  # new submissions from the arXiv API
    [worker]
    arxiv_every_minutes = 60
    [mail]
    smtp_host = "smtp.example.org"   # smtp_port, security (starttls|ssl|none), smtp_user,
    sender = "paperwire <papers@example.org>"  # smtp_password (or PAPERWIRE_SMTP_PASSWORD)
    site_url = "https://papers.example.org"
    [web]
    trusted_proxies = ["127.0.0.1"]  # only behind a reverse proxy on this address
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from paperwire.sources.http import Politeness
from paperwire.store import is_database_url


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
class MailSettings:
    """The [mail] section: where digests go out, and how fast."""

    smtp_host: str = ""  # empty: nothing is sent (mail waits in the outbox)
    smtp_port: int = 587
    security: str = "starttls"  # starttls | ssl | none
    smtp_user: str = ""
    smtp_password: str = ""
    sender: str = "paperwire <papers@localhost>"
    # the links in mail point here; empty: the address the site was reached at (its socket's,
    # never the Host header, which anyone can write)
    site_url: str = ""
    per_minute: int = 60  # at most this many mails a minute
    timeout: float = 30.0
    retry_seconds: float = 60.0  # the first retry after a temporary failure; doubles
    max_attempts: int = 8  # then the mail is given up (the address is kept)
    every_minutes: float = 5.0  # the worker composes due digests and sends this often

    @property
    def can_send(self) -> bool:
        return bool(self.smtp_host)


@dataclass(frozen=True)
class WebSettings:
    """The [web] section: what the site trusts of a request, and the limits that keep any
    request or flood of them from stalling it (docs/design.md, issue 21)."""

    # proxies whose X-Forwarded-For/-Proto are believed (addresses, or "*"); none by default,
    # so a client cannot choose the address the rate limits count it under
    trusted_proxies: list[str] = field(default_factory=list)
    signin_per_ip: str = "20/minute"  # password checks one address may ask for
    signin_unknown: str = "60/minute"  # checks of names with no account, all addresses together
    password_slots: int = 2  # argon2 hashes at once (each takes 64 MiB); past them, 503
    password_wait: float = 5.0  # seconds a known name waits for a slot
    # an early sign-in refusal is answered after this: a flooding connection gets one a
    # second, costing the site a sleeping task rather than a core (web/signin_shield.py)
    signin_refusal_delay: float = 1.0
    max_body_bytes: int = 1 << 20  # a request body past this is a 413, told while it arrives
    page_cache_bytes: int = 64 << 20  # the page cache's bodies, all together
    threads: int = 4  # requests one server process works on at once (web/admission.py)
    queue: int = 128  # requests it holds in line beyond them; past that, 503 at once
    queue_wait: float = 2.0  # seconds a request may wait in that line; past that, 503


@dataclass(frozen=True)
class Settings:
    db: Path | str  # an SQLite file, or a postgresql:// URL
    harvest: HarvestSettings = HarvestSettings()
    worker: WorkerSettings = WorkerSettings()
    mail: MailSettings = MailSettings()
    web: WebSettings = WebSettings()

    @property
    def site_url(self) -> str:
        """The site's own address for absolute links (feeds, sitemap, robots.txt, the API's
        Link header, mail): PAPERWIRE_SITE_URL; empty, the request's socket address."""
        return self.mail.site_url

    @property
    def is_url(self) -> bool:
        return is_database_url(self.db)

    @property
    def index_dir(self) -> Path:
        """Where this server keeps its derived indexes: beside an SQLite file; for a
        database URL, PAPERWIRE_INDEX_DIR or a folder of the data directory named after
        the database (each server keeps its own copy)."""
        if not self.is_url:
            db = Path(self.db)
            return db.with_name(db.name + ".index")
        if chosen := os.environ.get("PAPERWIRE_INDEX_DIR"):
            return Path(chosen)
        parts = urlsplit(str(self.db))
        name = f"{parts.hostname or 'local'}-{parts.port or 5432}-{parts.path.strip('/')}"
        return default_data_dir() / "indexes" / re.sub(r"[^A-Za-z0-9_.-]", "_", name)

    @property
    def data_dir(self) -> Path:
        return self.index_dir.parent if self.is_url else Path(self.db).parent

    @property
    def lexical_dir(self) -> Path:
        return self.index_dir / "lexical"

    @property
    def vectors_dir(self) -> Path:
        return self.index_dir / "vectors"

    @property
    def model_dir(self) -> Path:
        """Where `paperwire model prepare` puts the fast model (PAPERWIRE_MODEL_DIR)."""
        chosen = os.environ.get("PAPERWIRE_MODEL_DIR")
        return Path(chosen) if chosen else default_data_dir() / "models" / "minilm-int8"

    @classmethod
    def load(cls, db: str | Path | None = None) -> Settings:
        toml = _from_toml()
        chosen = str(db or os.environ.get("PAPERWIRE_DB") or toml.get("db") or "")
        return cls(
            db=(chosen if is_database_url(chosen) else Path(chosen) if chosen
                else default_data_dir() / "paperwire.db"),
            harvest=_harvest_settings(toml),
            worker=_worker_settings(toml.get("worker", {})),
            mail=_mail_settings(toml.get("mail", {})),
            web=_web_settings(toml.get("web", {})),
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


def _mail_settings(m: dict) -> MailSettings:
    d = MailSettings()
    return MailSettings(
        smtp_host=_pick("PAPERWIRE_SMTP_HOST", m, "smtp_host", d.smtp_host),
        smtp_port=_pick("PAPERWIRE_SMTP_PORT", m, "smtp_port", d.smtp_port, int),
        security=_pick("PAPERWIRE_SMTP_SECURITY", m, "security", d.security),
        smtp_user=_pick("PAPERWIRE_SMTP_USER", m, "smtp_user", d.smtp_user),
        smtp_password=_pick("PAPERWIRE_SMTP_PASSWORD", m, "smtp_password", d.smtp_password),
        sender=_pick("PAPERWIRE_MAIL_FROM", m, "sender", d.sender),
        site_url=_pick("PAPERWIRE_SITE_URL", m, "site_url", d.site_url).rstrip("/"),
        per_minute=_pick("PAPERWIRE_MAIL_PER_MINUTE", m, "per_minute", d.per_minute, int),
        timeout=_pick("PAPERWIRE_SMTP_TIMEOUT", m, "timeout", d.timeout, float),
        retry_seconds=_pick("PAPERWIRE_MAIL_RETRY_SECONDS", m, "retry_seconds",
                            d.retry_seconds, float),
        max_attempts=_pick("PAPERWIRE_MAIL_MAX_ATTEMPTS", m, "max_attempts", d.max_attempts,
                           int),
        every_minutes=_pick("PAPERWIRE_MAIL_EVERY", m, "every_minutes", d.every_minutes, float),
    )


def _web_settings(w: dict) -> WebSettings:
    d = WebSettings()
    return WebSettings(
        trusted_proxies=_pick("PAPERWIRE_TRUSTED_PROXIES", w, "trusted_proxies",
                              d.trusted_proxies, list),
        signin_per_ip=_pick("PAPERWIRE_SIGNIN_PER_IP", w, "signin_per_ip", d.signin_per_ip),
        signin_unknown=_pick("PAPERWIRE_SIGNIN_UNKNOWN", w, "signin_unknown",
                             d.signin_unknown),
        password_slots=max(1, _pick("PAPERWIRE_PASSWORD_SLOTS", w, "password_slots",
                                    d.password_slots, int)),
        password_wait=_pick("PAPERWIRE_PASSWORD_WAIT", w, "password_wait", d.password_wait,
                            float),
        signin_refusal_delay=max(0.0, _pick("PAPERWIRE_SIGNIN_REFUSAL_DELAY", w,
                                            "signin_refusal_delay", d.signin_refusal_delay,
                                            float)),
        max_body_bytes=_pick("PAPERWIRE_MAX_BODY_BYTES", w, "max_body_bytes",
                             d.max_body_bytes, int),
        page_cache_bytes=_pick("PAPERWIRE_PAGE_CACHE_BYTES", w, "page_cache_bytes",
                               d.page_cache_bytes, int),
        threads=max(1, _pick("PAPERWIRE_WEB_THREADS", w, "threads", d.threads, int)),
        queue=max(0, _pick("PAPERWIRE_WEB_QUEUE", w, "queue", d.queue, int)),
        queue_wait=_pick("PAPERWIRE_WEB_QUEUE_WAIT", w, "queue_wait", d.queue_wait, float),
    )
