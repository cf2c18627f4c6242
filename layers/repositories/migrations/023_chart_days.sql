-- Issue 19: the long charts' closed days, packed. The 30-day dashboard chart over 1,000 projects read
-- 180,000 rows of rollups_4h; PostgreSQL spent most of its time turning 900,000 numbers into text.
-- chart_days holds, per project, level and closed UTC day, that day's buckets as one bytea of five
-- float8 per bucket (covered seconds, down seconds, response-time sum and count, checks; big-endian,
-- the bucket at 00:00 first; zeros where nothing was recorded): level 4, six 4-hour buckets from
-- rollups_4h (the 30-day chart); level 1, 24 hourly buckets from rollups_hourly (the 7-day chart).
-- Packed by repositories/reports.ts buildChartDays (after an import, each hour, or by the first read
-- that lacks the day), so a chart reads one row of bytes per project and the API decodes bytes
-- instead of parsing text.
-- A write into a closed day's rollups (a late result, imported history) marks its row changed in the
-- same transaction: data NULL, version + 1. A build stores its bytes only over the version it saw, so a
-- build that read the rollups before such a write committed can never keep the old figures.
-- chart_changes counts, per project, the writes that marked any of its days: the API keeps the closed
-- days it read in memory, each project's with the count read in the same statement, and asks only for
-- the counts (1,000 small rows) to know which projects' bytes to read again.
-- It replaces the generation of migration 022, whose cache dropped every project's closed buckets on
-- any such write.
CREATE TABLE chart_days (
  project_id integer NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
  level      smallint NOT NULL CHECK (level IN (1, 4)),
  day        date NOT NULL,
  version    integer NOT NULL DEFAULT 0,
  data       bytea,
  PRIMARY KEY (project_id, level, day)
);

CREATE TABLE chart_changes (
  project_id integer PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
  changes    bigint NOT NULL DEFAULT 0
);

DROP SEQUENCE rollup_generation;
