-- depends: 0001_papers
-- One vector per paper for the current model; seq orders writes so indexes can catch up.
CREATE TABLE embeddings (
    pid INTEGER PRIMARY KEY REFERENCES papers (pid) ON DELETE CASCADE,
    model TEXT NOT NULL,
    text_hash TEXT NOT NULL,
    paper_rev INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    vector BLOB NOT NULL
);
CREATE INDEX embeddings_model_seq ON embeddings (model, seq);
