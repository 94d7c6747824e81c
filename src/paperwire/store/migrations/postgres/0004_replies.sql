-- depends: 0003_upvoted
-- Replies: a comment may answer a top-level comment of the same paper (one level deep, as on
-- Hugging Face's paper pages).
ALTER TABLE comments ADD COLUMN parent_cid BIGINT REFERENCES comments (cid);
