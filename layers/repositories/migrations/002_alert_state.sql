-- Alert state of the current failure streak: its first error, and whether an outage alert went out
-- (a recovery is announced only after an announced outage).
ALTER TABLE monitor_state ADD COLUMN streak_first_error text;
ALTER TABLE monitor_state ADD COLUMN outage_alerted boolean NOT NULL DEFAULT false;
ALTER TABLE monitor_state ADD COLUMN content_alerting boolean NOT NULL DEFAULT false;
ALTER TABLE monitor_state ADD COLUMN keyword_alerting boolean NOT NULL DEFAULT false;
-- Scheduled start time of each check, to measure lateness.
ALTER TABLE check_results ADD COLUMN due_at timestamptz;
ALTER TABLE check_results ADD COLUMN started_at timestamptz;
-- Per-project key that signs webhook deliveries (X-PyMonitor-Signature).
ALTER TABLE monitoring_settings ADD COLUMN webhook_secret text NOT NULL DEFAULT md5(random()::text || clock_timestamp()::text);
