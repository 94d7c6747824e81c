-- The papers store on PostgreSQL: the same tables as SQLite's 0001–0004 (papers, their
-- source ids, harvest checkpoints, embeddings). Dates stay ISO text, as in SQLite, so both
-- stores read and write rows alike.
CREATE TABLE papers (
    pid BIGINT PRIMARY KEY,
    arxiv_id TEXT UNIQUE,
    title_key TEXT NOT NULL,
    local_key TEXT UNIQUE,
    version INTEGER,
    title TEXT NOT NULL,
    abstract TEXT NOT NULL DEFAULT '',
    authors TEXT NOT NULL DEFAULT '[]',
    author_count INTEGER,
    published TEXT,
    updated TEXT,
    categories TEXT NOT NULL DEFAULT '',
    comment TEXT,
    journal_ref TEXT,
    doi TEXT,
    doi_key TEXT,
    code_url TEXT,
    url TEXT,
    external_upvotes INTEGER,
    listed_on TEXT,
    sources TEXT NOT NULL DEFAULT '',
    extras TEXT NOT NULL DEFAULT '{}',
    source_ids TEXT NOT NULL DEFAULT '',
    hidden INTEGER NOT NULL DEFAULT 0,
    rev BIGINT NOT NULL,
    added_at TEXT NOT NULL DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    changed_at TEXT NOT NULL DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
);
CREATE INDEX papers_title_key ON papers (title_key);
CREATE INDEX papers_rev ON papers (rev);
CREATE INDEX papers_published ON papers (published);
CREATE INDEX papers_listed_on ON papers (listed_on);
CREATE INDEX papers_doi_key ON papers (doi_key);
CREATE INDEX papers_feed_day ON papers (coalesce(listed_on, published, substr(added_at, 1, 10)));

CREATE TABLE source_ids (
    source_id TEXT PRIMARY KEY,
    pid BIGINT NOT NULL REFERENCES papers (pid) ON DELETE CASCADE
);
CREATE INDEX source_ids_pid ON source_ids (pid);

CREATE TABLE harvest_state (
    name TEXT PRIMARY KEY,
    token TEXT,
    list_from TEXT,
    list_until TEXT,
    pages INTEGER NOT NULL DEFAULT 0,
    cursor TEXT,
    updated_at TEXT NOT NULL DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
);

CREATE TABLE embeddings (
    pid BIGINT PRIMARY KEY REFERENCES papers (pid) ON DELETE CASCADE,
    model TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    paper_rev BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    vector BYTEA NOT NULL
);
CREATE INDEX embeddings_model_seq ON embeddings (model, seq);
