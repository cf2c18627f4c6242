-- The local notifier's delivery log (AWS keeps it in DynamoDB): which outbox deliveries went out.
-- In the database rather than in memory, so a crash between sending and recording the outcome does
-- not send the notification again after a restart.
CREATE TABLE delivery_log (
  outbox_id    bigint PRIMARY KEY REFERENCES outbox (id) ON DELETE CASCADE,
  delivered_at timestamptz NOT NULL DEFAULT now()
);
