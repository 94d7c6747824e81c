-- depends: 0009_comment_edits
-- What is in each paper at a glance (issue 23). From its own text, written with the row by
-- ingest (store/rows.py): the first code repository and project page its abstract and
-- comments link to, and the venue its comments or journal-ref name; found_v is the version
-- of the rules that read them (NULL: not read yet, filled by the embed step's catch-up).
ALTER TABLE papers ADD COLUMN code_found TEXT;
ALTER TABLE papers ADD COLUMN page_found TEXT;
ALTER TABLE papers ADD COLUMN venue TEXT;
ALTER TABLE papers ADD COLUMN venue_key TEXT;
ALTER TABLE papers ADD COLUMN found_v INTEGER;
CREATE INDEX papers_venue_key ON papers (lower(venue_key));
CREATE INDEX papers_found_v ON papers (found_v);

-- From the model, at embed time: keyphrases and a one-line gist, for the text whose hash
-- they were made from (the paper's vector's text_hash); a changed text makes them again.
CREATE TABLE glance (
    pid INTEGER PRIMARY KEY REFERENCES papers (pid) ON DELETE CASCADE,
    text_hash TEXT NOT NULL,
    keywords TEXT NOT NULL DEFAULT '[]',
    gist TEXT
);
