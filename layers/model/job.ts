// A job: work asked for through the API that may outlast the request (layers/services/jobs.ts).

export const jobKinds = ['check', 'browser_check', 'screenshot', 'journey'] as const;
export type JobKind = (typeof jobKinds)[number];

/** pending: queued; running: a worker has it; done: with its result; failed: with the reason. */
export const jobStatuses = ['pending', 'running', 'done', 'failed'] as const;
export type JobStatus = (typeof jobStatuses)[number];
