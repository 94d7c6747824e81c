-- depends: 0005_personal
-- The papers with upvotes from their source (Hugging Face): few among many, so trending
-- finds the newest upvoted one without walking back through every paper of a store
-- harvested from arXiv alone. Partial: a bulk load of unvoted papers never touches it.
CREATE INDEX papers_upvoted ON papers (external_upvotes) WHERE external_upvotes > 0;
