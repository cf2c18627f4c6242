-- Issue 19: a coarser rollup level for the long charts. The dashboard chart of 30 days draws 4-hour
-- buckets; summing them from the hourly rows read 720 rows per project (720,000 for 1,000 projects).
-- rollups_4h holds the same sums per 4-hour bucket (UTC, aligned to the epoch), written by the same
-- upsert as the hourly and daily rows (repositories/results.ts upsertRollups).
-- The same columns as rollups_hourly, one row per project and 4-hour bucket.
CREATE TABLE rollups_4h (LIKE rollups_hourly INCLUDING DEFAULTS);
ALTER TABLE rollups_4h ADD PRIMARY KEY (project_id, bucket);

INSERT INTO rollups_4h (project_id, bucket, checks, up_checks, response_time_sum, response_time_n, response_time_min, response_time_max,
  covered_seconds, down_seconds, maintenance_seconds, no_data_seconds)
SELECT project_id, to_timestamp(floor(extract(epoch FROM bucket) / 14400) * 14400), sum(checks), sum(up_checks), sum(response_time_sum),
  sum(response_time_n), min(response_time_min), max(response_time_max), sum(covered_seconds), sum(down_seconds), sum(maintenance_seconds), sum(no_data_seconds)
FROM rollups_hourly
GROUP BY 1, 2;
