-- depends: 0011_fieldmap
-- A reader may follow a topic of the map (issue 23): match_key is its id, value its label
-- when followed. SQLite cannot change a CHECK in place, so the table is made again (no
-- table refers to follows).
CREATE TABLE follows_new (
    fid INTEGER PRIMARY KEY,
    uid INTEGER NOT NULL REFERENCES users (uid) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('author', 'category', 'query', 'topic')),
    value TEXT NOT NULL,  -- as the user typed it (a topic: its label)
    match_key TEXT NOT NULL,  -- folded: what papers are matched on (a topic: its id)
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    UNIQUE (uid, kind, match_key)
);
INSERT INTO follows_new (fid, uid, kind, value, match_key, created_at)
    SELECT fid, uid, kind, value, match_key, created_at FROM follows;
DROP TABLE follows;
ALTER TABLE follows_new RENAME TO follows;
