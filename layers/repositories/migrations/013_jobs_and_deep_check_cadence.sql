-- Work asked for through the API that may outlive API Gateway's 29 s (issue 13.3): check now, a
-- browser check, a screenshot, a journey run. The request waits a bounded time for its job; after
-- that it answers 202 and the job is read at GET /api/v1/jobs/{id}. Any function reads it here, and
-- the results consumer finishes it when the worker's result arrives.
CREATE TABLE jobs (
  id          uuid PRIMARY KEY,
  user_id     integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  project_id  integer REFERENCES projects (id) ON DELETE CASCADE,
  kind        text NOT NULL CHECK (kind IN ('check', 'browser_check', 'screenshot', 'journey')),
  status      text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'running', 'done', 'failed')),
  result      jsonb,
  error       text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  started_at  timestamptz,
  finished_at timestamptz,
  -- Not finished by then, the job failed (its worker gave up, or its message went to a dead-letter queue).
  deadline_at timestamptz NOT NULL,
  CHECK ((status IN ('done', 'failed')) = (finished_at IS NOT NULL))
);
CREATE INDEX jobs_created_at_idx ON jobs (created_at);

-- How often a project's deep browser check runs (issue 13.4): every 6th HTTP check (spec 6.1), about
-- hourly or daily (counted in the project's own check cycles), or never.
ALTER TABLE monitoring_settings ADD COLUMN deep_check_cadence text NOT NULL DEFAULT 'every_6th'
  CHECK (deep_check_cadence IN ('every_6th', 'hourly', 'daily', 'off'));
