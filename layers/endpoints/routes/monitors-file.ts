import * as z from 'zod';
import { DomainError } from '../../errors.ts';
import { applyDocument, exportDocument } from '../../services/monitors-file.ts';
import { MonitorsFileError, parseMonitorsFile, renderMonitorsFile } from '../monitors-file.ts';
import { route } from '../router.ts';

// Monitors as code through the API (issue 15), for managers and admins: a file may create, change
// and delete any project and notification channel, which only they may do one by one. `${env:NAME}`
// takes its value from the request's `variables`, never from the server's environment.

const applyBody = z.object({
  document: z.string().min(1, 'must not be empty').describe('the monitors file (YAML)'),
  file_name: z.string().trim().min(1).max(200).default('monitors.yaml').describe('named in error messages'),
  variables: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a variable name'), z.string().max(10_000)).default({})
    .describe('values of the ${env:NAME} references in the document'),
  prune: z.boolean().default(false).describe('remove (projects: soft delete) what the file does not list'),
  dry_run: z.boolean().default(false).describe('plan only; nothing is changed'),
});

const fieldChange = z.object({ field: z.string(), from: z.unknown(), to: z.unknown() });
const applyResponse = z.object({
  applied: z.boolean(),
  changes: z.array(
    z.object({
      kind: z.enum(['channel', 'project', 'journey']),
      action: z.enum(['create', 'update', 'delete']),
      name: z.string(),
      project: z.string().optional().describe("a journey's project key"),
      fields: z.array(fieldChange).describe('secrets and header values shown as (hidden) or their ${env:NAME}'),
    }),
  ),
  summary: z.object({ create: z.number().int(), update: z.number().int(), delete: z.number().int() }),
});

const exportResponse = z.object({
  document: z.string().describe('the monitors file (YAML); channel secrets as ${env:NAME} references'),
  variables: z.array(z.object({ name: z.string(), field: z.string() })).describe('the environment variables it refers to'),
});

export const monitorsFileRoutes = [
  route({
    method: 'POST',
    path: '/api/v1/monitors-file/apply',
    summary: 'Apply a monitors file (create, update, and with prune remove); dry_run returns the plan only',
    tag: 'monitors-file',
    access: 'manager',
    body: applyBody,
    response: applyResponse,
    handler: async ({ ctx, actor, body }) => {
      let parsed;
      try {
        parsed = parseMonitorsFile(body.document, { fileName: body.file_name, variables: (name) => body.variables[name] });
      } catch (err) {
        throw err instanceof MonitorsFileError ? err.toDomainError() : err;
      }
      try {
        return await applyDocument(ctx, actor, parsed.document, { prune: body.prune, dryRun: body.dry_run, refs: parsed.refs });
      } catch (err) {
        if (err instanceof DomainError && err.code === 'VALIDATION') throw parsed.fileError(err).toDomainError();
        throw err;
      }
    },
  }),
  route({
    method: 'GET',
    path: '/api/v1/monitors-file',
    summary: 'Export the installation as a monitors file (channel secrets as ${env:NAME} references)',
    tag: 'monitors-file',
    access: 'manager',
    response: exportResponse,
    handler: async ({ ctx }) => {
      const { document, variables } = await exportDocument(ctx, { secrets: 'refs' });
      return { document: renderMonitorsFile(document), variables };
    },
  }),
];
