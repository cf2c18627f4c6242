import * as jobs from '../../services/jobs.ts';
import { Reply } from '../http.ts';
import { route } from '../router.ts';
import { jobParams, jobResponse } from '../schemas/jobs.ts';

/** 202 Accepted: the work goes on; its job is at Location. */
export const accepted = (job: jobs.JobView) => Reply.json(202, job, { location: `/api/v1/jobs/${job.job_id}` });

/** The answer of a route that runs a job: its result when it finished within the wait, else 202. */
export const answer = (outcome: jobs.JobOutcome) => (outcome.done ? outcome.result : accepted(outcome.job));

export const jobRoutes = [
  route({
    method: 'GET',
    path: '/api/v1/jobs/{id}',
    summary: 'A job started by a request that answered 202 (check now, browser check, screenshot, journey run); only its owner sees it',
    tag: 'jobs',
    access: 'viewer',
    params: jobParams,
    response: jobResponse,
    handler: ({ ctx, actor, params }) => jobs.getJob(ctx, actor, params.id),
  }),
];
