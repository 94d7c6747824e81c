-- depends: 0006_upvoted
-- Replies: a comment may answer a top-level comment of the same paper (one level deep, as on
-- Hugging Face's paper pages).
ALTER TABLE comments ADD COLUMN parent_cid INTEGER REFERENCES comments (cid);
