import * as z from 'zod';
import { journeySettingsSchema, journeyStepSchema } from '../../checks/browser/journey.ts';
import { journeyStepResultMessageSchema } from '../../services/browser-messages.ts';
import { idText, queryBool, timestamp } from './common.ts';

export const browserCheckResponse = z.object({
  id: z.number().int(),
  project_id: z.number().int(),
  checked_at: timestamp,
  is_success: z.boolean(),
  metrics: z.record(z.string(), z.unknown()).describe('the sixteen metrics of spec 4.2, plus performance_grade and extras'),
  error_kind: z.string().nullable(),
  error_message: z.string().nullable(),
});

export const screenshotQuery = z.object({ force: queryBool.optional() });

export const syntheticTestBody = z.object({
  name: z.string().trim().min(1).max(200),
  steps: z.array(journeyStepSchema).min(1, 'at least one step').max(50),
  settings: journeySettingsSchema.prefault({}),
  is_active: z.boolean().default(true),
});

export const testParams = z.object({ id: idText, test_id: idText });

export const stepScreenshotParams = testParams.extend({
  run_id: z.string().regex(/^[1-9]\d{0,12}$/, 'must be a positive integer').transform(Number),
  index: z.string().regex(/^\d{1,3}$/, 'must be a step index').transform(Number),
});

const stepResult = journeyStepResultMessageSchema;

export const syntheticRunResponse = z.object({
  id: z.number().int(),
  test_id: z.number().int(),
  project_id: z.number().int(),
  started_at: timestamp,
  duration_ms: z.number().nullable(),
  is_success: z.boolean(),
  status: z.string(),
  failed_step: z.number().int().nullable(),
  steps: z.array(stepResult),
  error_message: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
});

export const syntheticTestResponse = z.object({
  id: z.number().int(),
  project_id: z.number().int(),
  name: z.string(),
  steps: z.array(z.record(z.string(), z.unknown())),
  settings: z.record(z.string(), z.unknown()),
  is_active: z.boolean(),
  last_status: z.string().nullable(),
  failing_since: timestamp.nullable(),
  failure_alerted: z.boolean(),
  created_at: timestamp,
  updated_at: timestamp,
});
