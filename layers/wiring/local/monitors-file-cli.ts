import { connect as netConnect } from 'node:net';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { processEnvironment, type Config } from '../../config.ts';
import { DomainError } from '../../errors.ts';
import { MonitorsFileError, parseMonitorsFile, renderMonitorsFile } from '../../endpoints/monitors-file.ts';
import { applyDocument, cliActor, exportDocument, type ApplyResult, type FieldChange } from '../../services/monitors-file.ts';
import { createLocalContext } from './context.ts';

// `py-monitor apply <file>` and `py-monitor export`: monitors as code from the command line. The CLI
// runs as the installation (its database), acting as a manager or admin (`--as`, else the oldest admin);
// `${env:NAME}` takes its value from this process's environment.

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  env: Record<string, string | undefined>;
}

const consoleIo: CliIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), env: processEnvironment() };

export const monitorsFileUsage = `  apply <file.yaml> [--dry-run] [--prune] [--as <email>] [--json]
                                  reconcile the installation with a monitors file (--dry-run: print the plan only;
                                  --prune: remove what the file does not list, projects by soft delete)
  export [--output <file>] [--secrets refs|values]
                                  write the installation as a monitors file (channel secrets as \${env:NAME}
                                  references unless --secrets values)`;

const show = (v: unknown) => (v === undefined ? 'null' : typeof v === 'string' && /^(\(hidden\)|\$\{env:)/.test(v) ? v : JSON.stringify(v));
const describeField = (f: FieldChange) => `${f.field}: ${show(f.from)} -> ${show(f.to)}`;

/** The plan as lines: `+` create, `~` update (each changed field), `-` delete. */
export function formatPlan(result: ApplyResult): string {
  const sign = { create: '+', update: '~', delete: '-' } as const;
  const lines = result.changes.map((c) => {
    const what = c.kind === 'journey' ? `journey ${c.project}/${c.name}` : `${c.kind} ${c.name}`;
    const head = `${sign[c.action]} ${what}${c.action === 'delete' && c.kind === 'project' ? ' (soft delete)' : ''}`;
    return c.fields.length === 0 || c.action === 'delete' ? head : `${head}\n${c.fields.map((f) => `    ${describeField(f)}`).join('\n')}`;
  });
  const { create, update, delete: remove } = result.summary;
  const tail = result.changes.length === 0 ? 'No changes: the installation matches the file.' : `${result.applied ? 'Applied' : 'Plan'}: ${create} to create, ${update} to update, ${remove} to delete.`;
  return [...lines, tail].join('\n') + '\n';
}

/** A server started on this DATA_DIR holds the embedded database; a second PGlite on it would corrupt it. */
async function embeddedDatabaseInUse(config: Config): Promise<boolean> {
  if (config.DATABASE_URL) return false;
  const socket = join(config.DATA_DIR, 'pgsocket', '.s.PGSQL.5432');
  return new Promise((resolve) => {
    const s = netConnect(socket);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export async function withContext<T>(config: Config, run: (ctx: Awaited<ReturnType<typeof createLocalContext>>) => Promise<T>): Promise<T> {
  if (await embeddedDatabaseInUse(config)) {
    throw new DomainError('CONFLICT', `a py-monitor server is running on the embedded database in ${config.DATA_DIR}: stop it first, or use the API (POST /api/v1/monitors-file/apply)`);
  }
  const ctx = await createLocalContext({ ...config, LOG_LEVEL: 'warn', SCHEDULER_ENABLED: false });
  try {
    return await run(ctx);
  } finally {
    await ctx.close();
  }
}

/** Runs `apply` or `export`; returns the exit code (0 done, 1 refused, 2 usage). */
export async function runMonitorsFileCommand(command: 'apply' | 'export', args: string[], config: Config, io: CliIo = consoleIo): Promise<number> {
  try {
    if (command === 'apply') {
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: { 'dry-run': { type: 'boolean' }, prune: { type: 'boolean' }, as: { type: 'string' }, json: { type: 'boolean' } },
      });
      const file = positionals[0];
      if (!file || positionals.length > 1) {
        io.err(`usage: py-monitor\n${monitorsFileUsage}\n`);
        return 2;
      }
      const parsed = parseMonitorsFile(await readFile(file, 'utf8'), { fileName: file, variables: (n) => io.env[n] });
      const result = await withContext(config, async (ctx) => {
        const actor = await cliActor(ctx, values.as);
        try {
          return await applyDocument(ctx, actor, parsed.document, { prune: values.prune ?? false, dryRun: values['dry-run'] ?? false, refs: parsed.refs });
        } catch (err) {
          if (err instanceof DomainError && err.code === 'VALIDATION') throw parsed.fileError(err);
          throw err;
        }
      });
      io.out(values.json ? JSON.stringify(result, null, 2) + '\n' : formatPlan(result));
      return 0;
    }
    const { values, positionals } = parseArgs({ args, options: { output: { type: 'string', short: 'o' }, secrets: { type: 'string' } } });
    const secrets = values.secrets ?? 'refs';
    if (positionals.length > 0 || (secrets !== 'refs' && secrets !== 'values')) {
      io.err(`usage: py-monitor\n${monitorsFileUsage}\n`);
      return 2;
    }
    const { document, variables } = await withContext(config, (ctx) => exportDocument(ctx, { secrets }));
    const text = renderMonitorsFile(document);
    if (values.output) {
      // Stored secrets in it: only its owner may read it, also when the file was there before.
      await writeFile(values.output, text, { mode: secrets === 'values' ? 0o600 : 0o644 });
      if (secrets === 'values') await chmod(values.output, 0o600);
    }
    else io.out(text);
    const names = [...new Set(variables.map((v) => v.name))];
    if (names.length > 0) io.err(`the file refers to these environment variables: ${names.join(', ')}\n`);
    return 0;
  } catch (err) {
    if (err instanceof MonitorsFileError) {
      io.err(err.message + '\n');
      return 1;
    }
    if (err instanceof DomainError) {
      io.err(`${err.message}\n`);
      return 1;
    }
    if (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) {
      io.err(`${err.message}\nusage: py-monitor\n${monitorsFileUsage}\n`);
      return 2;
    }
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      io.err(`${(err as Error).message}\n`);
      return 1;
    }
    throw err;
  }
}
