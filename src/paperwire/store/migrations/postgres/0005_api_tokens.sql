-- depends: 0004_replies
-- Personal API tokens: a reader's scripts call /api/ with "Authorization: Bearer <token>".
-- Only the token's SHA-256 is kept, as for sessions.
CREATE TABLE api_tokens (
    tid BIGSERIAL PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    uid BIGINT NOT NULL REFERENCES users (uid) ON DELETE CASCADE,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
);
CREATE INDEX api_tokens_uid ON api_tokens (uid);
