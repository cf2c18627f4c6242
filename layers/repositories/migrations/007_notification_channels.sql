-- Notification channels (issue 15): a channel is its own entity with a provider type and settings
-- (secrets included, never returned by the API), and projects list the channels they notify.
CREATE TABLE notification_channels (
  id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  type        text NOT NULL CHECK (type ~ '^[a-z_]{1,40}$'),
  settings    jsonb NOT NULL DEFAULT '{}',
  -- The language and time zone of the people who read it; null: the project owner's.
  language    text CHECK (language IN ('ko', 'en')),
  timezone    text,
  is_enabled  boolean NOT NULL DEFAULT true,
  created_by  integer REFERENCES users (id) ON DELETE SET NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE project_channels (
  project_id integer NOT NULL REFERENCES projects (id),
  channel_id integer NOT NULL REFERENCES notification_channels (id) ON DELETE CASCADE,
  PRIMARY KEY (project_id, channel_id)
);
CREATE INDEX project_channels_channel_idx ON project_channels (channel_id);

-- Outbox rows of a channel name its provider; the delivery log keeps them after the channel goes.
ALTER TABLE outbox DROP CONSTRAINT outbox_channel_check;
ALTER TABLE outbox ADD CONSTRAINT outbox_channel_check CHECK (channel ~ '^[a-z_]{1,40}$');
ALTER TABLE outbox ADD COLUMN channel_id integer REFERENCES notification_channels (id) ON DELETE SET NULL;
