-- depends: 0001_papers
-- What people add (accounts, sessions, votes, comments, collections, submissions), what
-- the harvesters and the worker share, what readers tell the site and the mail it sends:
-- SQLite's 0003–0005 in PostgreSQL's words (usernames and addresses unique whatever
-- their case; the signals revision bumped by trigger functions).
CREATE TABLE users (
    uid BIGSERIAL PRIMARY KEY,
    username TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    is_admin INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    signals_rev BIGINT NOT NULL DEFAULT 0,
    hide_seen INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX users_username ON users (lower(username));
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    uid BIGINT NOT NULL REFERENCES users (uid) ON DELETE CASCADE,
    csrf TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE TABLE votes (
    uid BIGINT NOT NULL REFERENCES users (uid) ON DELETE CASCADE,
    pid BIGINT NOT NULL REFERENCES papers (pid) ON DELETE CASCADE,
    created_at TEXT NOT NULL DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    PRIMARY KEY (uid, pid)
);
CREATE INDEX votes_pid ON votes (pid);
CREATE TABLE comments (
    cid BIGSERIAL PRIMARY KEY,
    pid BIGINT NOT NULL REFERENCES papers (pid) ON DELETE CASCADE,
    uid BIGINT NOT NULL REFERENCES users (uid) ON DELETE CASCADE,
    body TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
);
CREATE INDEX comments_pid ON comments (pid);
CREATE TABLE collections (
    coll_id BIGSERIAL PRIMARY KEY,
    uid BIGINT NOT NULL REFERENCES users (uid) ON DELETE CASCADE,
    name TEXT NOT NULL,
    is_public INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    UNIQUE (uid, name)
);
CREATE TABLE collection_items (
    coll_id BIGINT NOT NULL REFERENCES collections (coll_id) ON DELETE CASCADE,
    pid BIGINT NOT NULL REFERENCES papers (pid) ON DELETE CASCADE,
    added_at TEXT NOT NULL DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    PRIMARY KEY (coll_id, pid)
);
CREATE TABLE submissions (
    pid BIGINT PRIMARY KEY REFERENCES papers (pid) ON DELETE CASCADE,
    uid BIGINT NOT NULL REFERENCES users (uid) ON DELETE CASCADE,
    submitted_at TEXT NOT NULL DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
);
CREATE TABLE request_slots (service TEXT PRIMARY KEY, next_at DOUBLE PRECISION NOT NULL);
CREATE TABLE jobs (
    name TEXT PRIMARY KEY,
    last_start TEXT,
    last_success TEXT,
    last_error TEXT,
    last_error_at TEXT,
    next_run TEXT,
    added_last INTEGER NOT NULL DEFAULT 0,
    added_total INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE locks (name TEXT PRIMARY KEY, holder TEXT NOT NULL,
                    heartbeat DOUBLE PRECISION NOT NULL);

CREATE TABLE dismissals (  -- "not interested": a negative example, never shown again
    uid BIGINT NOT NULL REFERENCES users (uid) ON DELETE CASCADE,
    pid BIGINT NOT NULL REFERENCES papers (pid) ON DELETE CASCADE,
    created_at TEXT NOT NULL DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    PRIMARY KEY (uid, pid)
);
CREATE TABLE seen (  -- opened, or shown in an email
    uid BIGINT NOT NULL REFERENCES users (uid) ON DELETE CASCADE,
    pid BIGINT NOT NULL REFERENCES papers (pid) ON DELETE CASCADE,
    PRIMARY KEY (uid, pid)
);
CREATE TABLE follows (
    fid BIGSERIAL PRIMARY KEY,
    uid BIGINT NOT NULL REFERENCES users (uid) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('author', 'category', 'query')),
    value TEXT NOT NULL,  -- as the user typed it
    match_key TEXT NOT NULL,  -- folded: what papers are matched on
    created_at TEXT NOT NULL DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    UNIQUE (uid, kind, match_key)
);
CREATE TABLE library_items (  -- "my library": positives that need not be in the store
    uid BIGINT NOT NULL REFERENCES users (uid) ON DELETE CASCADE,
    item_key TEXT NOT NULL,
    title TEXT NOT NULL,
    pid BIGINT REFERENCES papers (pid) ON DELETE SET NULL,
    vector BYTEA NOT NULL,
    PRIMARY KEY (uid, item_key)
);
CREATE TABLE notes (
    uid BIGINT NOT NULL REFERENCES users (uid) ON DELETE CASCADE,
    pid BIGINT NOT NULL REFERENCES papers (pid) ON DELETE CASCADE,
    body TEXT NOT NULL,
    updated_at TEXT NOT NULL DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    PRIMARY KEY (uid, pid)
);
CREATE TABLE tastes (  -- each user's trained model, for the signals_rev it was trained on
    uid BIGINT PRIMARY KEY REFERENCES users (uid) ON DELETE CASCADE,
    signals_rev INTEGER NOT NULL,
    kind TEXT NOT NULL,
    weights BYTEA
);


CREATE FUNCTION bump_signals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE users SET signals_rev = signals_rev + 1
    WHERE uid = CASE WHEN TG_OP = 'DELETE' THEN OLD.uid ELSE NEW.uid END;
    RETURN NULL;
END $$;
CREATE FUNCTION bump_collector_signals() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE users SET signals_rev = signals_rev + 1 WHERE uid = (
        SELECT uid FROM collections WHERE coll_id =
            CASE WHEN TG_OP = 'DELETE' THEN OLD.coll_id ELSE NEW.coll_id END);
    RETURN NULL;
END $$;
CREATE TRIGGER votes_signal AFTER INSERT OR DELETE ON votes
    FOR EACH ROW EXECUTE FUNCTION bump_signals();
CREATE TRIGGER dismissals_signal AFTER INSERT OR DELETE ON dismissals
    FOR EACH ROW EXECUTE FUNCTION bump_signals();
CREATE TRIGGER library_signal AFTER INSERT OR DELETE ON library_items
    FOR EACH ROW EXECUTE FUNCTION bump_signals();
CREATE TRIGGER collected_signal AFTER INSERT OR DELETE ON collection_items
    FOR EACH ROW EXECUTE FUNCTION bump_collector_signals();

-- mail ------------------------------------------------------------------------------------
CREATE TABLE subscribers (
    sid BIGSERIAL PRIMARY KEY,
    email TEXT NOT NULL,
    uid BIGINT UNIQUE REFERENCES users (uid) ON DELETE CASCADE,  -- NULL: email only
    confirmed_at TEXT,
    unsubscribed_at TEXT,
    bounced_at TEXT,  -- a permanent failure: never mailed again
    bounce_reason TEXT,
    frequency TEXT NOT NULL DEFAULT 'daily' CHECK (frequency IN ('daily', 'weekly')),
    hour INTEGER NOT NULL DEFAULT 8 CHECK (hour BETWEEN 0 AND 23),
    tz TEXT NOT NULL DEFAULT 'UTC',
    created_at TEXT NOT NULL DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')
);
CREATE TABLE outbox (
    mid BIGSERIAL PRIMARY KEY,
    mail_key TEXT NOT NULL UNIQUE,  -- "digest:<sid>:<period>": composed once, ever
    sid BIGINT NOT NULL REFERENCES subscribers (sid) ON DELETE CASCADE,
    kind TEXT NOT NULL,  -- digest | confirm
    message_id TEXT NOT NULL UNIQUE,
    to_addr TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    unsubscribe_url TEXT,
    state TEXT NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'sending', 'sent', 'failed', 'cancelled')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at DOUBLE PRECISION NOT NULL DEFAULT 0,
    last_error TEXT,
    claimed_by TEXT,  -- host:pid of the process sending it (state 'sending')
    created_at TEXT NOT NULL DEFAULT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
    sent_at TEXT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE TABLE mailed (  -- which papers each subscriber has been sent: never twice
    sid BIGINT NOT NULL REFERENCES subscribers (sid) ON DELETE CASCADE,
    pid BIGINT NOT NULL REFERENCES papers (pid) ON DELETE CASCADE,
    PRIMARY KEY (sid, pid)
);
CREATE TABLE subscriber_dismissals (  -- "not interested" from the mail of an email-only reader
    sid BIGINT NOT NULL REFERENCES subscribers (sid) ON DELETE CASCADE,
    pid BIGINT NOT NULL REFERENCES papers (pid) ON DELETE CASCADE,
    PRIMARY KEY (sid, pid)
);
CREATE TABLE site_secrets (  -- made on first use, shared by every server on the store
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE UNIQUE INDEX subscribers_email ON subscribers (lower(email));
