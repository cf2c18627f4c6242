-- Monitors as code (issue 15). A project's key is its identity in a monitors file: stable across
-- renames and URL changes, unique among active projects (a soft-deleted one keeps its key, so the
-- same key can name a new project). Existing projects get `project-<id>`, as new ones do by default.
ALTER TABLE projects ADD COLUMN key text;
UPDATE projects SET key = 'project-' || id;
ALTER TABLE projects ALTER COLUMN key SET NOT NULL;
ALTER TABLE projects ADD CONSTRAINT projects_key_length CHECK (length(key) BETWEEN 1 AND 100);
CREATE UNIQUE INDEX projects_key_active_idx ON projects (key) WHERE is_active;

-- Which values came from `${env:NAME}` references in the applied file, so export writes the reference
-- back instead of the value. value_sha256 tells whether the stored value is still the one applied
-- (changed since through the API, the value is exported as it is now).
CREATE TABLE config_refs (
  object_type  text NOT NULL CHECK (object_type IN ('project', 'channel', 'journey')),
  object_id    integer NOT NULL,
  path         text NOT NULL,
  template     text NOT NULL,
  value_sha256 text NOT NULL,
  PRIMARY KEY (object_type, object_id, path)
);
