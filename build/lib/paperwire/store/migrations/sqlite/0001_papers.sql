-- The paper table: one row per paper, whatever the number of sources it came from.
CREATE TABLE papers (
    pid INTEGER PRIMARY KEY,
    arxiv_id TEXT UNIQUE,
    title_key TEXT NOT NULL,
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
    code_url TEXT,
    url TEXT,
    external_upvotes INTEGER,
    listed_on TEXT,
    sources TEXT NOT NULL DEFAULT '',
    hidden INTEGER NOT NULL DEFAULT 0,
    rev INTEGER NOT NULL,
    added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    changed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX papers_title_key ON papers (title_key);
CREATE INDEX papers_rev ON papers (rev);
CREATE INDEX papers_published ON papers (published);
CREATE INDEX papers_listed_on ON papers (listed_on);
