-- depends: 0002_embeddings
-- Accounts, sessions, local votes, comments, collections and submissions.
CREATE TABLE users (
    uid INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    password_hash TEXT NOT NULL,
    is_admin INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    uid INTEGER NOT NULL REFERENCES users (uid) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE TABLE votes (
    uid INTEGER NOT NULL REFERENCES users (uid) ON DELETE CASCADE,
    pid INTEGER NOT NULL REFERENCES papers (pid) ON DELETE CASCADE,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (uid, pid)
);
CREATE INDEX votes_pid ON votes (pid);
CREATE TABLE comments (
    cid INTEGER PRIMARY KEY,
    pid INTEGER NOT NULL REFERENCES papers (pid) ON DELETE CASCADE,
    uid INTEGER NOT NULL REFERENCES users (uid) ON DELETE CASCADE,
    body TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX comments_pid ON comments (pid);
CREATE TABLE collections (
    coll_id INTEGER PRIMARY KEY,
    uid INTEGER NOT NULL REFERENCES users (uid) ON DELETE CASCADE,
    name TEXT NOT NULL,
    is_public INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    UNIQUE (uid, name)
);
CREATE TABLE collection_items (
    coll_id INTEGER NOT NULL REFERENCES collections (coll_id) ON DELETE CASCADE,
    pid INTEGER NOT NULL REFERENCES papers (pid) ON DELETE CASCADE,
    added_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (coll_id, pid)
);
CREATE TABLE submissions (
    pid INTEGER PRIMARY KEY REFERENCES papers (pid) ON DELETE CASCADE,
    uid INTEGER NOT NULL REFERENCES users (uid) ON DELETE CASCADE,
    submitted_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX papers_feed_date ON papers (coalesce(listed_on, published));
