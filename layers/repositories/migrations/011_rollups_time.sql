-- Issue 19: the time-based definition of uptime. Each HTTP result covers the time until the next
-- result of its project, at most one check interval (services/uptime.ts). The rollups carry that
-- time, split at hour and (UTC) day boundaries, and a mergeable log-bucket sketch of response times
-- (DDSketch manner, relative error 2%) so P95 survives the cleanup of raw results.
ALTER TABLE rollups_hourly
  ADD COLUMN covered_seconds     double precision NOT NULL DEFAULT 0,
  ADD COLUMN down_seconds        double precision NOT NULL DEFAULT 0,
  ADD COLUMN maintenance_seconds double precision NOT NULL DEFAULT 0,
  ADD COLUMN no_data_seconds     double precision NOT NULL DEFAULT 0,
  ADD COLUMN rt_sketch           jsonb NOT NULL DEFAULT '{}';
ALTER TABLE rollups_daily
  ADD COLUMN covered_seconds     double precision NOT NULL DEFAULT 0,
  ADD COLUMN down_seconds        double precision NOT NULL DEFAULT 0,
  ADD COLUMN maintenance_seconds double precision NOT NULL DEFAULT 0,
  ADD COLUMN no_data_seconds     double precision NOT NULL DEFAULT 0,
  ADD COLUMN rt_sketch           jsonb NOT NULL DEFAULT '{}';

-- Whether the project was in maintenance when the result was recorded (its span counts as maintenance).
ALTER TABLE check_results ADD COLUMN in_maintenance boolean NOT NULL DEFAULT false;
ALTER TABLE monitor_state ADD COLUMN last_in_maintenance boolean NOT NULL DEFAULT false;

-- Idempotent recording: a live result is known by (project, due time).
CREATE INDEX check_results_due_idx ON check_results (project_id, due_at) WHERE due_at IS NOT NULL;
CREATE INDEX incidents_project_end_idx ON incidents (project_id, ended_at);

-- Sketch merge: keys are bucket indexes, values counts.
CREATE FUNCTION pym_sketch_merge(a jsonb, b jsonb) RETURNS jsonb LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT coalesce(jsonb_object_agg(k, n), '{}'::jsonb)
  FROM (
    SELECT k, sum(n) AS n FROM (
      SELECT key AS k, value::text::bigint AS n FROM jsonb_each(coalesce(a, '{}'::jsonb))
      UNION ALL
      SELECT key, value::text::bigint FROM jsonb_each(coalesce(b, '{}'::jsonb))
    ) s GROUP BY k
  ) t
$$;
CREATE AGGREGATE pym_sketch_agg(jsonb) (SFUNC = pym_sketch_merge, STYPE = jsonb, INITCOND = '{}');
