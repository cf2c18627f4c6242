import * as z from 'zod';
import { anomalySeverities, anomalyTypes } from '../../services/anomalies/detector.ts';
import { ANOMALY_DEFAULTS, ANOMALY_RANGES } from '../../services/anomalies/service.ts';
import { isoDateTime } from './common.ts';

const [aMin, aMax] = ANOMALY_RANGES.analysis_hours;
const [bMin, bMax] = ANOMALY_RANGES.baseline_hours;
const [sMin, sMax] = ANOMALY_RANGES.sensitivity;

export const anomalyQuery = z.object({
  analysis_hours: z.coerce.number().int('must be an integer').min(aMin).max(aMax).default(ANOMALY_DEFAULTS.analysis_hours),
  baseline_hours: z.coerce.number().int('must be an integer').min(bMin).max(bMax).default(ANOMALY_DEFAULTS.baseline_hours),
  sensitivity: z.coerce.number().min(sMin).max(sMax).default(ANOMALY_DEFAULTS.sensitivity),
  from: isoDateTime.optional(),
});

const window = z.object({ from: z.string(), to: z.string() });

export const anomalyItem = z.object({
  id: z.number().int().nullable(),
  type: z.enum(anomalyTypes),
  severity: z.enum(anomalySeverities),
  message: z.string(),
  value: z.number(),
  baseline: z.number(),
  deviation: z.number(),
  detected_at: z.string(),
  hour: z.string(),
});

export const anomalyListResponse = z.object({
  project_id: z.number().int(),
  analysis_hours: z.number().int(),
  baseline_hours: z.number().int(),
  sensitivity: z.number(),
  analysis: window,
  baseline: window,
  items: z.array(anomalyItem),
});
