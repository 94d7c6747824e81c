-- depends: 0007_glance
-- The map of the field (issue 23): built from the papers' vectors by `paperwire map build`
-- (services/fieldmap), derived data that a rebuild replaces. A build is one row; topics
-- (level 1) sit in areas (level 0), their ids kept across builds where their papers stay
-- together; a point is a paper's place, placed = 1 when it was put beside its neighbours
-- after the build instead of by it (the share of those is the map's drift).
CREATE TABLE map_builds (
    build INTEGER PRIMARY KEY,
    built_at TEXT NOT NULL,
    papers INTEGER NOT NULL,
    topics INTEGER NOT NULL,
    seconds DOUBLE PRECISION NOT NULL,
    next_topic INTEGER NOT NULL
);
CREATE TABLE map_topics (
    topic_id INTEGER PRIMARY KEY,
    level INTEGER NOT NULL,
    parent_id INTEGER,
    label TEXT NOT NULL,
    words TEXT NOT NULL DEFAULT '[]',
    x DOUBLE PRECISION NOT NULL,
    y DOUBLE PRECISION NOT NULL,
    papers INTEGER NOT NULL
);
CREATE TABLE map_points (
    pid BIGINT PRIMARY KEY REFERENCES papers (pid) ON DELETE CASCADE,
    x DOUBLE PRECISION NOT NULL,
    y DOUBLE PRECISION NOT NULL,
    topic_id INTEGER NOT NULL,
    placed INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX map_points_topic ON map_points (topic_id);
