-- 8.2 Anomalies the hourly job records: one row per project, type and hour, so a rerun adds nothing.
ALTER TABLE anomalies ADD COLUMN hour timestamptz;
CREATE UNIQUE INDEX anomalies_project_type_hour_idx ON anomalies (project_id, type, hour);
CREATE INDEX anomalies_project_detected_idx ON anomalies (project_id, detected_at DESC);
