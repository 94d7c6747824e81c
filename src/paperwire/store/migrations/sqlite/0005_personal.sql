-- depends: 0004_living
-- What each reader tells the site (not interested, seen, follows, their own library, notes),
-- the per-reader model trained on it, and the mail the site sends.

-- a counter bumped by every change to a user's examples: a stored model older than it is
-- retrained, and only that user's (training is incremental per user)
ALTER TABLE users ADD COLUMN signals_rev INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN hide_seen INTEGER NOT NULL DEFAULT 0;

CREATE TABLE dismissals (  -- "not interested": a negative example, never shown again
    uid INTEGER NOT NULL REFERENCES users (uid) ON DELETE CASCADE,
    pid INTEGER NOT NULL REFERENCES papers (pid) ON DELETE CASCADE,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (uid, pid)
) WITHOUT ROWID;
CREATE TABLE seen (  -- opened, or shown in an email
    uid INTEGER NOT NULL REFERENCES users (uid) ON DELETE CASCADE,
    pid INTEGER NOT NULL REFERENCES papers (pid) ON DELETE CASCADE,
    PRIMARY KEY (uid, pid)
) WITHOUT ROWID;
CREATE TABLE follows (
    fid INTEGER PRIMARY KEY,
    uid INTEGER NOT NULL REFERENCES users (uid) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('author', 'category', 'query')),
    value TEXT NOT NULL,  -- as the user typed it
    match_key TEXT NOT NULL,  -- folded: what papers are matched on
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    UNIQUE (uid, kind, match_key)
);
CREATE TABLE library_items (  -- "my library": positives that need not be in the store
    uid INTEGER NOT NULL REFERENCES users (uid) ON DELETE CASCADE,
    item_key TEXT NOT NULL,
    title TEXT NOT NULL,
    pid INTEGER REFERENCES papers (pid) ON DELETE SET NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (uid, item_key)
) WITHOUT ROWID;
CREATE TABLE notes (
    uid INTEGER NOT NULL REFERENCES users (uid) ON DELETE CASCADE,
    pid INTEGER NOT NULL REFERENCES papers (pid) ON DELETE CASCADE,
    body TEXT NOT NULL,
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (uid, pid)
) WITHOUT ROWID;
CREATE TABLE tastes (  -- each user's trained model, for the signals_rev it was trained on
    uid INTEGER PRIMARY KEY REFERENCES users (uid) ON DELETE CASCADE,
    signals_rev INTEGER NOT NULL,
    kind TEXT NOT NULL,
    weights BLOB
);

CREATE TRIGGER votes_signal_in AFTER INSERT ON votes BEGIN
    UPDATE users SET signals_rev = signals_rev + 1 WHERE uid = NEW.uid; END;
CREATE TRIGGER votes_signal_out AFTER DELETE ON votes BEGIN
    UPDATE users SET signals_rev = signals_rev + 1 WHERE uid = OLD.uid; END;
CREATE TRIGGER dismissals_signal_in AFTER INSERT ON dismissals BEGIN
    UPDATE users SET signals_rev = signals_rev + 1 WHERE uid = NEW.uid; END;
CREATE TRIGGER dismissals_signal_out AFTER DELETE ON dismissals BEGIN
    UPDATE users SET signals_rev = signals_rev + 1 WHERE uid = OLD.uid; END;
CREATE TRIGGER library_signal_in AFTER INSERT ON library_items BEGIN
    UPDATE users SET signals_rev = signals_rev + 1 WHERE uid = NEW.uid; END;
CREATE TRIGGER library_signal_out AFTER DELETE ON library_items BEGIN
    UPDATE users SET signals_rev = signals_rev + 1 WHERE uid = OLD.uid; END;
CREATE TRIGGER collected_signal_in AFTER INSERT ON collection_items BEGIN
    UPDATE users SET signals_rev = signals_rev + 1
    WHERE uid = (SELECT uid FROM collections WHERE coll_id = NEW.coll_id); END;
CREATE TRIGGER collected_signal_out AFTER DELETE ON collection_items BEGIN
    UPDATE users SET signals_rev = signals_rev + 1
    WHERE uid = (SELECT uid FROM collections WHERE coll_id = OLD.coll_id); END;

-- mail ------------------------------------------------------------------------------------
CREATE TABLE subscribers (
    sid INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    uid INTEGER UNIQUE REFERENCES users (uid) ON DELETE CASCADE,  -- NULL: email only
    confirmed_at TEXT,
    unsubscribed_at TEXT,
    bounced_at TEXT,  -- a permanent failure: never mailed again
    bounce_reason TEXT,
    frequency TEXT NOT NULL DEFAULT 'daily' CHECK (frequency IN ('daily', 'weekly')),
    hour INTEGER NOT NULL DEFAULT 8 CHECK (hour BETWEEN 0 AND 23),
    tz TEXT NOT NULL DEFAULT 'UTC',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE TABLE outbox (
    mid INTEGER PRIMARY KEY,
    mail_key TEXT NOT NULL UNIQUE,  -- "digest:<sid>:<period>": composed once, ever
    sid INTEGER NOT NULL REFERENCES subscribers (sid) ON DELETE CASCADE,
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
    next_attempt_at REAL NOT NULL DEFAULT 0,
    last_error TEXT,
    claimed_by TEXT,  -- host:pid of the process sending it (state 'sending')
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    sent_at TEXT
);
CREATE INDEX outbox_due ON outbox (state, next_attempt_at);
CREATE TABLE mailed (  -- which papers each subscriber has been sent: never twice
    sid INTEGER NOT NULL REFERENCES subscribers (sid) ON DELETE CASCADE,
    pid INTEGER NOT NULL REFERENCES papers (pid) ON DELETE CASCADE,
    PRIMARY KEY (sid, pid)
) WITHOUT ROWID;
CREATE TABLE subscriber_dismissals (  -- "not interested" from the mail of an email-only reader
    sid INTEGER NOT NULL REFERENCES subscribers (sid) ON DELETE CASCADE,
    pid INTEGER NOT NULL REFERENCES papers (pid) ON DELETE CASCADE,
    PRIMARY KEY (sid, pid)
) WITHOUT ROWID;
CREATE TABLE site_secrets (  -- made on first use, shared by every server on the store
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
