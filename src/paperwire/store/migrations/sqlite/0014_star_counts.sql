-- depends: 0013_foryou_lists
-- A paper's GitHub stars as each Hugging Face sync saw them, one count a day (issue 23,
-- item 5): trending by code ranks by the stars gained between the syncs of a window.
CREATE TABLE star_counts (
    pid INTEGER NOT NULL REFERENCES papers (pid) ON DELETE CASCADE,
    seen_on TEXT NOT NULL,
    stars INTEGER NOT NULL,
    PRIMARY KEY (pid, seen_on)
);
CREATE INDEX star_counts_seen_on ON star_counts (seen_on);
