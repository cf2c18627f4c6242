-- Incident updates (issue 12): what the people running a project tell their visitors about an
-- outage, shown in order on the public status page. Incidents are still opened and closed by the
-- monitoring; people only name them, write a postmortem and post updates.
ALTER TABLE incidents ADD COLUMN title text CHECK (length(title) BETWEEN 1 AND 200);
ALTER TABLE incidents ADD COLUMN postmortem text CHECK (length(postmortem) <= 20000);
ALTER TABLE incidents ADD COLUMN updated_at timestamptz;

CREATE TABLE incident_updates (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  incident_id bigint NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
  status      text NOT NULL CHECK (status IN ('investigating', 'identified', 'monitoring', 'resolved')),
  message     text NOT NULL CHECK (length(message) BETWEEN 1 AND 5000),
  author_id   integer REFERENCES users (id),
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX incident_updates_incident_idx ON incident_updates (incident_id, created_at, id);

-- The public status list reads the public, active projects in one query.
CREATE INDEX projects_public_idx ON projects (id) WHERE is_public AND is_active;
