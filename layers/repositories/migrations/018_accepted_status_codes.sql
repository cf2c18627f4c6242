-- Accepted status codes (issue 15, Uptime Kuma's and UptimeRobot's setting): the final status codes,
-- after redirects, that count as up, as codes ("301") and ranges ("200-299"). The default is what
-- every project accepted before: 2xx and 3xx. The API checks each entry (endpoints/schemas/projects.ts).
ALTER TABLE monitoring_settings ADD COLUMN accepted_status_codes text[] NOT NULL DEFAULT '{200-399}'
  CHECK (cardinality(accepted_status_codes) BETWEEN 1 AND 20);
