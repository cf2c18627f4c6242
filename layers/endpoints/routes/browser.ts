import * as z from 'zod';
import * as browser from '../../services/browser.ts';
import { Reply } from '../http.ts';
import { route } from '../router.ts';
import { accepted, answer } from './jobs.ts';
import { jobResponse } from '../schemas/jobs.ts';
import { idParam, pageOf, pagination } from '../schemas/common.ts';
import {
  browserCheckResponse,
  screenshotQuery,
  stepScreenshotParams,
  syntheticRunResponse,
  syntheticTestBody,
  syntheticTestResponse,
  testParams,
} from '../schemas/browser.ts';

const image = (img: browser.Image) =>
  new Reply(200, img.data, {
    'content-type': img.contentType,
    'cache-control': 'private, max-age=60',
    ...(img.takenAt ? { 'x-screenshot-taken-at': img.takenAt.toISOString() } : {}),
  });

const shot = (s: Awaited<ReturnType<typeof browser.screenshot>>) => (s.done ? image(s.image) : accepted(s.job));

export const browserRoutes = [
  route({
    method: 'POST',
    path: '/api/v1/projects/{id}/browser-check',
    summary: 'Run a deep browser check now (spec 4.2) and return its metrics; 202 with a job when it outlasts the wait',
    tag: 'browser',
    access: 'manager',
    params: idParam,
    response: browserCheckResponse,
    accepted: jobResponse,
    handler: async ({ ctx, actor, params }) => answer(await browser.browserCheckNow(ctx, actor, params.id)),
  }),
  route({
    method: 'GET',
    path: '/api/v1/projects/{id}/browser-checks',
    summary: 'Browser check runs, newest first',
    tag: 'browser',
    access: 'viewer',
    params: idParam,
    query: z.object(pagination),
    response: pageOf(browserCheckResponse),
    handler: ({ ctx, params, query }) => browser.listBrowserChecks(ctx, params.id, query.page, query.size),
  }),
  route({
    method: 'GET',
    path: '/api/v1/projects/{id}/screenshot',
    summary: 'Screenshot of the project page (PNG), cached an hour; force=true captures a new one (those who may change the project; 202 with a job when the capture outlasts the wait)',
    tag: 'browser',
    access: 'viewer',
    params: idParam,
    query: screenshotQuery,
    produces: 'image/png',
    accepted: jobResponse,
    handler: async ({ ctx, actor, params, query }) => {
      return shot(await browser.screenshot(ctx, actor, params.id, { force: query.force ?? false, thumbnail: false }));
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/projects/{id}/screenshot/thumbnail',
    summary: 'Thumbnail of the screenshot (JPEG, 320 px wide)',
    tag: 'browser',
    access: 'viewer',
    params: idParam,
    query: screenshotQuery,
    produces: 'image/jpeg',
    accepted: jobResponse,
    handler: async ({ ctx, actor, params, query }) => {
      return shot(await browser.screenshot(ctx, actor, params.id, { force: query.force ?? false, thumbnail: true }));
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/projects/{id}/synthetic-tests',
    summary: 'Synthetic journeys of a project (spec 4.11)',
    tag: 'synthetic',
    access: 'viewer',
    params: idParam,
    response: z.object({ items: z.array(syntheticTestResponse) }),
    handler: ({ ctx, actor, params }) => browser.listSyntheticTests(ctx, actor, params.id),
  }),
  route({
    method: 'POST',
    path: '/api/v1/projects/{id}/synthetic-tests',
    summary: 'Create a journey: steps navigate, click, type, select, wait, screenshot, assert_text, assert_element, assert_url',
    tag: 'synthetic',
    access: 'user',
    owner: 'project',
    params: idParam,
    body: syntheticTestBody,
    response: syntheticTestResponse,
    status: 201,
    handler: ({ ctx, params, body }) => browser.createSyntheticTest(ctx, params.id, body),
  }),
  route({
    method: 'GET',
    path: '/api/v1/projects/{id}/synthetic-tests/{test_id}',
    summary: 'One journey with its recent runs',
    tag: 'synthetic',
    access: 'viewer',
    params: testParams,
    response: syntheticTestResponse.extend({ recent_runs: z.array(syntheticRunResponse) }),
    handler: ({ ctx, actor, params }) => browser.getSyntheticTest(ctx, actor, params.id, params.test_id),
  }),
  route({
    method: 'PUT',
    path: '/api/v1/projects/{id}/synthetic-tests/{test_id}',
    summary: 'Replace a journey',
    tag: 'synthetic',
    access: 'user',
    owner: 'project',
    params: testParams,
    body: syntheticTestBody,
    response: syntheticTestResponse,
    handler: ({ ctx, params, body }) => browser.updateSyntheticTest(ctx, params.id, params.test_id, body),
  }),
  route({
    method: 'DELETE',
    path: '/api/v1/projects/{id}/synthetic-tests/{test_id}',
    summary: 'Delete a journey and its runs',
    tag: 'synthetic',
    access: 'user',
    owner: 'project',
    params: testParams,
    handler: async ({ ctx, params }) => {
      await browser.deleteSyntheticTest(ctx, params.id, params.test_id);
    },
  }),
  route({
    method: 'POST',
    path: '/api/v1/projects/{id}/synthetic-tests/{test_id}/run',
    summary: 'Run a journey now; results per step, the failing step reported precisely; 202 with a job when it outlasts the wait',
    tag: 'synthetic',
    access: 'user',
    owner: 'project',
    params: testParams,
    response: syntheticRunResponse,
    accepted: jobResponse,
    handler: async ({ ctx, actor, params }) => answer(await browser.runSyntheticNow(ctx, actor, params.id, params.test_id)),
  }),
  route({
    method: 'GET',
    path: '/api/v1/projects/{id}/synthetic-tests/{test_id}/runs/{run_id}/steps/{index}/screenshot',
    summary: "A run step's screenshot (screenshot steps and the failing step)",
    tag: 'synthetic',
    access: 'viewer',
    params: stepScreenshotParams,
    produces: 'image/png',
    handler: async ({ ctx, params }) => image(await browser.runStepScreenshot(ctx, params.id, params.test_id, params.run_id, params.index)),
  }),
];
