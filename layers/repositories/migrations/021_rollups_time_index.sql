-- Reads across every project over a time range (the dashboard's 24-hour stats) find their rows by
-- time, not by one index range per project. A rollup row is created once per project and hour (or
-- 4 hours); later upserts change no indexed column, so they stay heap-only updates.
CREATE INDEX rollups_hourly_bucket_idx ON rollups_hourly (bucket);
CREATE INDEX rollups_4h_bucket_idx ON rollups_4h (bucket);
