import * as z from 'zod';
import { jobKinds, jobStatuses } from '../../model/job.ts';
import { timestamp } from './common.ts';

export const jobParams = z.object({ id: z.uuid('must be a job id (a UUID)') });

/** A job: `pending` (queued), `running` (a worker has it), `done` (with `result`), `failed` (with `error`). */
export const jobResponse = z.object({
  job_id: z.uuid(),
  kind: z.enum(jobKinds),
  status: z.enum(jobStatuses),
  project_id: z.number().int().nullable(),
  result: z.unknown().describe("when done: what the route that started the job answers with when it finishes in time"),
  error: z.string().nullable(),
  created_at: timestamp,
  started_at: timestamp.nullable(),
  finished_at: timestamp.nullable(),
});
