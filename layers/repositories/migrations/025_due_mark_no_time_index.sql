-- Two costs of every recorded result, taken off (issues 18 and 19).
--
-- 1. The latest due time recorded per project. The results writer ignores a result whose (project,
-- due time) is recorded already (a redelivered batch). Finding that out was one join per batch over
-- every day partition's (project_id, due_at) index, for keys that nearly always are new. A result
-- due after its project's last recorded due time cannot be recorded yet, so only a result due at or
-- before it (a redelivery, or one recorded late) is looked up (services/recorder.ts). NULL: unknown,
-- looked up.
ALTER TABLE monitor_state ADD COLUMN last_due_at timestamptz;
UPDATE monitor_state s SET last_due_at = (
  SELECT max(c.due_at) FROM check_results c WHERE c.project_id = s.project_id AND c.due_at IS NOT NULL);

-- 2. The index on check_results (checked_at) alone. Every reader of results names its project, which
-- the primary key (project_id, checked_at, id) serves. Two statements went by time: the retention
-- delete, which reads the partitions the cutoff leaves through, deleting most of what it reads
-- (repositories/retention.ts), and the partition maker's look for a day's rows in the default
-- partition, which goes project by project through the primary key (repositories/partitions.ts).
-- Imported history lands in the default partition, where this index took each project's rows at as
-- many scattered places as it had rows.
DROP INDEX check_results_time_idx;
