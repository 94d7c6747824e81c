-- depends: 0012_topic_follows
-- Each signed-in reader's for-you list, made by the worker (issue 22): made_for names
-- what it was made from (signals, papers, vectors, day), so a page uses it only while
-- that holds; items are [pid, score, reason, by a follow, age in days] as JSON.
CREATE TABLE foryou_lists (
    uid INTEGER PRIMARY KEY REFERENCES users (uid) ON DELETE CASCADE,
    made_for TEXT NOT NULL,
    items TEXT NOT NULL
);
