-- 3.4 Screenshots: the latest capture per project is what the API serves (images live in blob storage).
CREATE TABLE screenshots (
  id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  project_id    integer NOT NULL REFERENCES projects (id),
  taken_at      timestamptz NOT NULL,
  image_key     text,
  thumbnail_key text,
  width         integer NOT NULL,
  height        integer NOT NULL,
  full_page     boolean NOT NULL DEFAULT false,
  error_message text
);
CREATE INDEX screenshots_project_idx ON screenshots (project_id, taken_at DESC);

-- 4.11 Alert state of a scheduled journey: failing since when, and whether that was announced.
ALTER TABLE synthetic_tests ADD COLUMN last_status text;
ALTER TABLE synthetic_tests ADD COLUMN failing_since timestamptz;
ALTER TABLE synthetic_tests ADD COLUMN failure_alerted boolean NOT NULL DEFAULT false;
ALTER TABLE synthetic_runs ADD COLUMN status text NOT NULL DEFAULT 'passed';
ALTER TABLE synthetic_runs ADD COLUMN details jsonb NOT NULL DEFAULT '{}';
