import * as z from 'zod';

// Journey scenarios (spec 4.11) as zod schemas. Kept free of browser code so that the API and the
// results consumer can validate scenarios without bundling playwright-core.

const required = (action: string, field: string) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? `${field} is required for action "${action}"` : `${field} must be a string`) })
    .min(1, { error: `${field} must not be empty for action "${action}"` })
    .max(2_000);

const httpUrl = (action: string) =>
  required(action, 'value').refine((v) => /^https?:\/\//i.test(v) && URL.canParse(v), {
    error: `value must be an http(s) URL for action "${action}"`,
  });

const label = { description: z.string().max(200).optional() };

export const journeyStepSchema = z.discriminatedUnion(
  'action',
  [
    z.object({ action: z.literal('navigate'), value: httpUrl('navigate'), ...label }),
    z.object({ action: z.literal('click'), selector: required('click', 'selector'), ...label }),
    z.object({
      action: z.literal('type'),
      selector: required('type', 'selector'),
      value: z.string({ error: 'value is required for action "type"' }).max(2_000),
      ...label,
    }),
    z.object({ action: z.literal('select'), selector: required('select', 'selector'), value: required('select', 'value'), ...label }),
    z.object({
      action: z.literal('wait'),
      value: z.preprocess(
        (v) => (typeof v === 'string' && /^\s*\d+\s*$/.test(v) ? Number(v) : v),
        z
          .number({ error: (issue) => (issue.input === undefined ? 'value (ms) is required for action "wait"' : 'value must be a number of milliseconds') })
          .int()
          .min(0)
          .max(120_000),
      ),
      ...label,
    }),
    z.object({ action: z.literal('screenshot'), ...label }),
    z.object({ action: z.literal('assert_text'), selector: required('assert_text', 'selector'), value: required('assert_text', 'value'), ...label }),
    z.object({ action: z.literal('assert_element'), selector: required('assert_element', 'selector'), ...label }),
    z.object({ action: z.literal('assert_url'), value: required('assert_url', 'value'), ...label }),
  ],
  {
    error: 'action must be one of navigate, click, type, select, wait, screenshot, assert_text, assert_element, assert_url',
  },
);

export const journeySettingsSchema = z.object({
  /** Per-step limit for waiting on elements and navigations. */
  timeout: z.number().int().min(5_000).max(120_000).default(30_000),
  viewport_width: z.number().int().min(320).max(1920).default(1280),
  viewport_height: z.number().int().min(480).max(1080).default(800),
});

export const journeyScenarioSchema = z.object({
  name: z.string().max(200).optional(),
  steps: z.array(journeyStepSchema).min(1).max(50),
  settings: journeySettingsSchema.prefault({}),
});

export type JourneyStep = z.infer<typeof journeyStepSchema>;
export type JourneyAction = JourneyStep['action'];
export type JourneySettings = z.infer<typeof journeySettingsSchema>;
export type JourneyScenario = z.infer<typeof journeyScenarioSchema>;
export type JourneyScenarioInput = z.input<typeof journeyScenarioSchema>;

export interface ScenarioIssue {
  /** e.g. "steps[2].selector" */
  path: string;
  message: string;
}

export type ScenarioParseResult = { ok: true; scenario: JourneyScenario } | { ok: false; issues: ScenarioIssue[] };

/** Validates a scenario; each issue names the step index and field, e.g. steps[2].selector. */
export function parseJourneyScenario(input: unknown): ScenarioParseResult {
  const parsed = journeyScenarioSchema.safeParse(input);
  if (parsed.success) return { ok: true, scenario: parsed.data };
  return { ok: false, issues: parsed.error.issues.map((issue) => ({ path: formatPath(issue.path), message: issue.message })) };
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((acc, key) => (typeof key === 'number' ? `${acc}[${key}]` : acc ? `${acc}.${String(key)}` : String(key)), '');
}
