-- depends: 0003_site
-- Identity by DOI and by a source's own id; a stored public key for papers without an
-- arXiv id; extra fields from Hugging Face; what the harvesters and the worker keep.

ALTER TABLE papers ADD COLUMN doi_key TEXT;
ALTER TABLE papers ADD COLUMN local_key TEXT;
ALTER TABLE papers ADD COLUMN extras TEXT NOT NULL DEFAULT '{}';
ALTER TABLE papers ADD COLUMN source_ids TEXT NOT NULL DEFAULT '';
UPDATE papers SET local_key = title_key WHERE arxiv_id IS NULL;
UPDATE papers SET doi_key = lower(trim(substr(doi, 1, instr(doi || ' ', ' ') - 1)))
    WHERE doi IS NOT NULL AND doi != '';
CREATE UNIQUE INDEX papers_local_key ON papers (local_key);
CREATE INDEX papers_doi_key ON papers (doi_key);

-- a source's own id for a paper ("beir:scifact:4983"), for lookups; papers.source_ids
-- lists them again beside the rest of the row
CREATE TABLE source_ids (
    source_id TEXT PRIMARY KEY,
    pid INTEGER NOT NULL REFERENCES papers (pid) ON DELETE CASCADE
);
CREATE INDEX source_ids_pid ON source_ids (pid);
-- BEIR rows used to carry "beir:<_id>" as their url; it was never a link
UPDATE papers SET url = NULL WHERE url LIKE 'beir:%';

-- papers with neither a listing day nor a publication date are listed on the day they arrived
DROP INDEX papers_feed_date;
CREATE INDEX papers_feed_day ON papers (coalesce(listed_on, published, substr(added_at, 1, 10)));

-- where each harvest is: committed in the same transaction as the records of its page
CREATE TABLE harvest_state (
    name TEXT PRIMARY KEY,          -- "arxiv-oai:cs", "arxiv-api:cs.LG", "hf"
    token TEXT,                     -- resumption token of the next page (NULL: no list open)
    list_from TEXT,                 -- the open list's arguments, to restart it if the token dies
    list_until TEXT,
    pages INTEGER NOT NULL DEFAULT 0,
    cursor TEXT,                    -- the newest datestamp (or day) harvested completely
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);

-- the next moment a request to a service may leave, shared by every process on this store
CREATE TABLE request_slots (
    service TEXT PRIMARY KEY,
    next_at REAL NOT NULL
);

-- the worker's jobs: schedule and outcome, for `paperwire status` and the admin page
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

-- one worker per store
CREATE TABLE locks (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,           -- host:pid
    heartbeat REAL NOT NULL
);
