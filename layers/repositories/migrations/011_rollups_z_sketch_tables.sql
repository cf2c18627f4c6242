-- The response-time sketches made rollup rows about six times wider, and charts and availability read
-- the narrow columns of many rows: the sketches move to tables of their own, read only for P95.
CREATE TABLE rollups_hourly_sketch (
  project_id integer NOT NULL,
  bucket     timestamptz NOT NULL,
  sketch     jsonb NOT NULL,
  PRIMARY KEY (project_id, bucket)
);
CREATE TABLE rollups_daily_sketch (
  project_id integer NOT NULL,
  day        date NOT NULL,
  sketch     jsonb NOT NULL,
  PRIMARY KEY (project_id, day)
);
INSERT INTO rollups_hourly_sketch SELECT project_id, bucket, rt_sketch FROM rollups_hourly WHERE rt_sketch <> '{}'::jsonb;
INSERT INTO rollups_daily_sketch SELECT project_id, day, rt_sketch FROM rollups_daily WHERE rt_sketch <> '{}'::jsonb;
ALTER TABLE rollups_hourly DROP COLUMN rt_sketch;
ALTER TABLE rollups_daily DROP COLUMN rt_sketch;
