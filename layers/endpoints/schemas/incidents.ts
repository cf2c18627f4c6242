import * as z from 'zod';
import { incidentUpdateStatuses } from '../../services/incidents.ts';
import { timestamp } from './common.ts';

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

export const incidentUpdateBody = z.object({
  status: z.enum(incidentUpdateStatuses),
  message: text(5000),
});

export const incidentPatchBody = z
  .object({
    title: text(200).nullable().optional().describe('null clears it'),
    postmortem: text(20_000).nullable().optional().describe('null clears it'),
  })
  .refine((b) => b.title !== undefined || b.postmortem !== undefined, { message: 'give title or postmortem', path: ['title'] });

export const incidentUpdateResponse = z.object({
  id: z.number().int(),
  status: z.enum(incidentUpdateStatuses),
  message: z.string(),
  author_id: z.number().int().nullable(),
  created_at: timestamp,
});

export const incidentResponse = z.object({
  id: z.number().int(),
  project_id: z.number().int(),
  kind: z.string(),
  started_at: timestamp,
  ended_at: timestamp.nullable(),
  duration_seconds: z.number().nullable(),
  first_error: z.string().nullable().describe('the first failed check\'s error (private: never on the status page)'),
  title: z.string().nullable(),
  postmortem: z.string().nullable(),
  updated_at: timestamp.nullable(),
  updates: z.array(incidentUpdateResponse).describe('oldest first'),
});
