-- depends: 0012_web_links_only
-- When a session was last used (to the hour): the worker makes for-you lists ahead only for
-- readers seen lately (issue 22). Sessions from before count as seen at the upgrade.
ALTER TABLE sessions ADD COLUMN seen_at TEXT;
UPDATE sessions SET seen_at = to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"');
CREATE INDEX sessions_seen_at ON sessions (seen_at);
