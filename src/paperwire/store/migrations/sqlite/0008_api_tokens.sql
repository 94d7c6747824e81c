-- depends: 0007_replies
-- Personal API tokens: a reader's scripts call /api/ with "Authorization: Bearer <token>".
-- Only the token's SHA-256 is kept, as for sessions.
CREATE TABLE api_tokens (
    tid INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    uid INTEGER NOT NULL REFERENCES users (uid) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX api_tokens_uid ON api_tokens (uid);
