-- depends: 0008_fieldmap
-- A reader may follow a topic of the map (issue 23): match_key is its id, value its label
-- when followed.
ALTER TABLE follows DROP CONSTRAINT follows_kind_check;
ALTER TABLE follows ADD CONSTRAINT follows_kind_check
    CHECK (kind IN ('author', 'category', 'query', 'topic'));
