-- Issue 19: the dashboard's stats sum 24 hours of every project's rollups. Read per project, that is
-- ~10,000 rows (5,000 of rollups_4h and the edge hours of rollups_hourly), and where history was
-- imported one project at a time, the rows of one hour lie on as many pages as there are projects.
-- rollups_total_hourly holds the same sums over all projects, per hour: the writer adds each batch's
-- deltas in the same transaction (repositories/results.ts upsertRollups), so for every hour the
-- table's rows sum to exactly what rollups_hourly holds for that hour. Deleted projects are in the
-- totals; the reader takes off those that have rows in its hours (repositories/reports.ts
-- overallTotals).
-- Striped: a writer adds into the stripe of the slot it holds (rollup_total_slots, taken with SKIP
-- LOCKED for the rest of its transaction), so concurrent writers (the results consumer, imports)
-- never wait for each other on one row; a reader sums the stripes.
CREATE TABLE rollups_total_hourly (
  bucket              timestamptz NOT NULL,
  stripe              smallint NOT NULL,
  checks              bigint NOT NULL DEFAULT 0,
  up_checks           bigint NOT NULL DEFAULT 0,
  response_time_sum   double precision NOT NULL DEFAULT 0,
  response_time_n     bigint NOT NULL DEFAULT 0,
  covered_seconds     double precision NOT NULL DEFAULT 0,
  down_seconds        double precision NOT NULL DEFAULT 0,
  maintenance_seconds double precision NOT NULL DEFAULT 0,
  no_data_seconds     double precision NOT NULL DEFAULT 0,
  PRIMARY KEY (bucket, stripe)
);

CREATE TABLE rollup_total_slots (
  stripe smallint PRIMARY KEY
);
INSERT INTO rollup_total_slots (stripe) SELECT generate_series(0, 15);

INSERT INTO rollups_total_hourly (bucket, stripe, checks, up_checks, response_time_sum, response_time_n, covered_seconds,
  down_seconds, maintenance_seconds, no_data_seconds)
SELECT bucket, 0, sum(checks), sum(up_checks), sum(response_time_sum), sum(response_time_n), sum(covered_seconds),
  sum(down_seconds), sum(maintenance_seconds), sum(no_data_seconds)
FROM rollups_hourly GROUP BY bucket;
