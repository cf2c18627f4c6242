-- Py_Monitor schema. Anticipates the whole spec so later work adds tables rather than reshaping these.

-- 2. Users, roles and settings
CREATE TABLE users (
  id                  integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  email               text NOT NULL,
  password_hash       text NOT NULL,
  name                text NOT NULL,
  role                text NOT NULL DEFAULT 'user' CHECK (role IN ('admin', 'manager', 'user', 'viewer')),
  profile_image       text,
  phone               text,
  theme               text NOT NULL DEFAULT 'light' CHECK (theme IN ('light', 'dark', 'system')),
  language            text NOT NULL DEFAULT 'ko' CHECK (language IN ('ko', 'en')),
  timezone            text NOT NULL DEFAULT 'Asia/Seoul',
  email_notifications boolean NOT NULL DEFAULT true,
  is_active           boolean NOT NULL DEFAULT true,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  last_login_at       timestamptz
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

-- 3. Projects (one monitored website each). Deletes are soft: is_active = false.
CREATE TABLE projects (
  id                       integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  owner_id                 integer NOT NULL REFERENCES users (id),
  title                    text NOT NULL,
  url                      text NOT NULL,
  host_name                text,
  ip_address               text,
  description              text,
  time_limit               integer,
  is_public                boolean NOT NULL DEFAULT false,
  category                 text,
  tags                     text[] NOT NULL DEFAULT '{}',
  custom_headers           jsonb NOT NULL DEFAULT '{}',
  is_active                boolean NOT NULL DEFAULT true,
  maintenance_mode         boolean NOT NULL DEFAULT false,
  maintenance_message      text,
  maintenance_ends_at      timestamptz,
  -- 4.12 content change detection, 4.13 keyword monitoring
  content_change_detection boolean NOT NULL DEFAULT false,
  content_selector         text,
  keyword_monitoring       boolean NOT NULL DEFAULT false,
  keywords                 jsonb NOT NULL DEFAULT '[]',
  keyword_alert_on_found   boolean NOT NULL DEFAULT false,
  created_at               timestamptz NOT NULL DEFAULT now(),
  updated_at               timestamptz NOT NULL DEFAULT now(),
  deleted_at               timestamptz
);
CREATE INDEX projects_owner_idx ON projects (owner_id);
CREATE INDEX projects_active_idx ON projects (is_active, id);
CREATE INDEX projects_tags_idx ON projects USING gin (tags);

-- 5. Monitoring settings, one row per project. check_interval is also the project's status_interval (3.1).
CREATE TABLE monitoring_settings (
  project_id          integer PRIMARY KEY REFERENCES projects (id),
  check_interval      integer NOT NULL DEFAULT 300 CHECK (check_interval BETWEEN 60 AND 3600),
  timeout             integer NOT NULL DEFAULT 30 CHECK (timeout BETWEEN 5 AND 300),
  retry_count         integer NOT NULL DEFAULT 3 CHECK (retry_count BETWEEN 1 AND 5),
  alert_threshold     integer NOT NULL DEFAULT 3 CHECK (alert_threshold BETWEEN 1 AND 10),
  is_alert_enabled    boolean NOT NULL DEFAULT true,
  alert_email         text,
  webhook_url         text,
  ssl_warning_days    integer NOT NULL DEFAULT 30 CHECK (ssl_warning_days BETWEEN 1 AND 365),
  domain_warning_days integer NOT NULL DEFAULT 30 CHECK (domain_warning_days BETWEEN 1 AND 365),
  updated_at          timestamptz NOT NULL DEFAULT now()
);

-- 6. Per-project monitoring state, updated with each result in the same transaction.
CREATE TABLE monitor_state (
  project_id           integer PRIMARY KEY REFERENCES projects (id),
  is_running           boolean NOT NULL DEFAULT true,
  next_due_at          timestamptz NOT NULL DEFAULT now(),
  claimed_until        timestamptz,
  consecutive_failures integer NOT NULL DEFAULT 0,
  cycle_count          bigint NOT NULL DEFAULT 0,
  is_down              boolean NOT NULL DEFAULT false,
  down_since           timestamptz,
  open_incident_id     bigint,
  last_checked_at      timestamptz,
  last_is_available    boolean,
  last_status_code     integer,
  last_response_time   double precision,
  last_error           text,
  content_hash         text,
  keyword_state        jsonb,
  ssl_warned_days      integer,
  domain_warned_days   integer,
  updated_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX monitor_state_due_idx ON monitor_state (next_due_at) WHERE is_running;

-- Global scheduler switch (6.3 start/stop all).
CREATE TABLE scheduler_control (
  id         boolean PRIMARY KEY DEFAULT true CHECK (id),
  is_running boolean NOT NULL DEFAULT true,
  started_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO scheduler_control (id) VALUES (true);

-- 4.1 Check results: one partition per day so retention is a partition drop.
CREATE TABLE check_results (
  id            bigint GENERATED ALWAYS AS IDENTITY,
  project_id    integer NOT NULL,
  checked_at    timestamptz NOT NULL,
  kind          text NOT NULL DEFAULT 'http',
  is_available  boolean NOT NULL,
  status_code   integer,
  response_time double precision,
  error_kind    text,
  error_message text,
  details       jsonb,
  PRIMARY KEY (project_id, checked_at, id)
) PARTITION BY RANGE (checked_at);
CREATE TABLE check_results_default PARTITION OF check_results DEFAULT;
CREATE INDEX check_results_time_idx ON check_results (checked_at);

-- 8. Rollups feed uptime percentages, charts, the 90-day history and SLA reports.
CREATE TABLE rollups_hourly (
  project_id         integer NOT NULL,
  bucket             timestamptz NOT NULL,
  checks             integer NOT NULL DEFAULT 0,
  up_checks          integer NOT NULL DEFAULT 0,
  response_time_sum  double precision NOT NULL DEFAULT 0,
  response_time_n    integer NOT NULL DEFAULT 0,
  response_time_min  double precision,
  response_time_max  double precision,
  PRIMARY KEY (project_id, bucket)
);
CREATE TABLE rollups_daily (
  project_id         integer NOT NULL,
  day                date NOT NULL,
  checks             integer NOT NULL DEFAULT 0,
  up_checks          integer NOT NULL DEFAULT 0,
  response_time_sum  double precision NOT NULL DEFAULT 0,
  response_time_n    integer NOT NULL DEFAULT 0,
  response_time_min  double precision,
  response_time_max  double precision,
  downtime_seconds   double precision NOT NULL DEFAULT 0,
  PRIMARY KEY (project_id, day)
);

-- 7/8.1 Incidents: one row per outage.
CREATE TABLE incidents (
  id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  project_id       integer NOT NULL REFERENCES projects (id),
  kind             text NOT NULL DEFAULT 'outage',
  started_at       timestamptz NOT NULL,
  ended_at         timestamptz,
  duration_seconds double precision,
  first_error      text,
  created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX incidents_project_idx ON incidents (project_id, started_at DESC);

-- 7.2/7.4 In-app alerts, one row per recipient user.
CREATE TABLE alerts (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  user_id     integer REFERENCES users (id),
  project_id  integer REFERENCES projects (id),
  incident_id bigint REFERENCES incidents (id),
  type        text NOT NULL,
  severity    text NOT NULL DEFAULT 'warning' CHECK (severity IN ('info', 'warning', 'critical')),
  title       text NOT NULL,
  message     text NOT NULL,
  data        jsonb NOT NULL DEFAULT '{}',
  is_read     boolean NOT NULL DEFAULT false,
  read_at     timestamptz,
  is_resolved boolean NOT NULL DEFAULT false,
  resolved_at timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alerts_user_idx ON alerts (user_id, created_at DESC);
CREATE INDEX alerts_project_idx ON alerts (project_id, created_at DESC);
CREATE INDEX alerts_unread_idx ON alerts (user_id) WHERE NOT is_read;

-- Notifications outbox: written in the transaction that decides a notification, then delivered.
CREATE TABLE outbox (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  alert_id        bigint REFERENCES alerts (id) ON DELETE SET NULL,
  project_id      integer REFERENCES projects (id),
  channel         text NOT NULL CHECK (channel IN ('email', 'webhook', 'websocket')),
  target          text NOT NULL,
  payload         jsonb NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'sent', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  last_error      text,
  sent_at         timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_pending_idx ON outbox (next_attempt_at) WHERE status IN ('pending', 'sending');
CREATE TABLE outbox_attempts (
  id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  outbox_id    bigint NOT NULL REFERENCES outbox (id) ON DELETE CASCADE,
  attempted_at timestamptz NOT NULL DEFAULT now(),
  ok           boolean NOT NULL,
  status_code  integer,
  error        text
);

-- 4.3/4.4 SSL and domain expiry results (daily sweep).
CREATE TABLE expiry_checks (
  id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  project_id     integer NOT NULL REFERENCES projects (id),
  kind           text NOT NULL CHECK (kind IN ('ssl', 'domain')),
  checked_at     timestamptz NOT NULL DEFAULT now(),
  is_valid       boolean,
  expires_at     timestamptz,
  days_remaining integer,
  issuer         text,
  error_message  text,
  details        jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX expiry_checks_project_idx ON expiry_checks (project_id, kind, checked_at DESC);

-- 4.2 Browser (deep) checks.
CREATE TABLE browser_checks (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  project_id  integer NOT NULL REFERENCES projects (id),
  checked_at  timestamptz NOT NULL DEFAULT now(),
  is_success  boolean NOT NULL,
  metrics     jsonb NOT NULL DEFAULT '{}',
  error_kind  text,
  error_message text
);
CREATE INDEX browser_checks_project_idx ON browser_checks (project_id, checked_at DESC);

-- 4.11 Synthetic journeys and their runs.
CREATE TABLE synthetic_tests (
  id          integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  project_id  integer NOT NULL REFERENCES projects (id),
  name        text NOT NULL,
  steps       jsonb NOT NULL,
  settings    jsonb NOT NULL DEFAULT '{}',
  is_active   boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE synthetic_runs (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  test_id     integer NOT NULL REFERENCES synthetic_tests (id) ON DELETE CASCADE,
  project_id  integer NOT NULL REFERENCES projects (id),
  started_at  timestamptz NOT NULL DEFAULT now(),
  duration_ms double precision,
  is_success  boolean NOT NULL,
  failed_step integer,
  steps       jsonb NOT NULL DEFAULT '[]',
  error_message text
);
CREATE INDEX synthetic_runs_test_idx ON synthetic_runs (test_id, started_at DESC);

-- 8.2 Detected anomalies.
CREATE TABLE anomalies (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  project_id  integer NOT NULL REFERENCES projects (id),
  type        text NOT NULL CHECK (type IN ('response_time_spike', 'availability_drop', 'error_rate_increase', 'pattern_change')),
  severity    text NOT NULL CHECK (severity IN ('info', 'warning', 'critical')),
  detected_at timestamptz NOT NULL DEFAULT now(),
  details     jsonb NOT NULL DEFAULT '{}'
);
