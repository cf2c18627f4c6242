import { parseArgs } from 'node:util';
import { processEnvironment, type Config } from '../../config.ts';
import { validateMonitorsDocument } from '../../endpoints/monitors-file.ts';
import { DomainError } from '../../errors.ts';
import { importKuma, type KumaImportReport } from '../../services/kuma-import.ts';
import { cliActor } from '../../services/monitors-file.ts';
import { localSqliteFiles } from '../../platform/local/sqlite-files.ts';
import { formatPlan, withContext, type CliIo } from './monitors-file-cli.ts';

// `py-monitor import-kuma <kuma.db>`: moving over from Uptime Kuma from the command line. The Kuma
// database is opened read-only (stop Kuma first, or copy kuma.db with its -wal file).

export const kumaUsage = `  import-kuma <kuma.db> [--dry-run] [--no-history] [--as <email>] [--json]
                                  import an Uptime Kuma 1.x/2.x database: HTTP(S), keyword and JSON-query monitors
                                  as projects (key kuma-<installation>-<id>), notifications as channels, heartbeats as history;
                                  running it again creates nothing twice`;

const consoleIo: CliIo = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t), env: processEnvironment() };

/** The report as text: the plan, then what was left out or changed, then the history. */
export function formatKumaReport(r: KumaImportReport): string {
  const lines = [`Uptime Kuma ${r.kuma_version} database`, formatPlan(r.plan).trimEnd()];
  const skipped = r.monitors.filter((m) => m.status === 'skipped');
  if (skipped.length > 0) lines.push(`Monitors not imported (${skipped.length}):`, ...skipped.map((m) => `  #${m.kuma_id} ${m.name} [${m.type}]: ${m.reason}`));
  const warned = r.monitors.filter((m) => m.warnings.length > 0);
  if (warned.length > 0) lines.push('Imported with differences:', ...warned.flatMap((m) => m.warnings.map((w) => `  #${m.kuma_id} ${m.name}: ${w}`)));
  const notifications = r.notifications.filter((n) => n.status === 'skipped' || n.warnings.length > 0);
  if (notifications.length > 0) {
    lines.push('Notifications:', ...notifications.flatMap((n) => (n.status === 'skipped' ? [`  #${n.kuma_id} ${n.name} [${n.provider}]: not imported: ${n.reason}`] : n.warnings.map((w) => `  #${n.kuma_id} ${n.name} [${n.provider}]: ${w}`))));
  }
  if (r.unmapped.monitor_types.length > 0) lines.push(`Monitor types not imported: ${r.unmapped.monitor_types.map((t) => `${t.type} (${t.monitors.length})`).join(', ')}`);
  if (r.unmapped.providers.length > 0) lines.push(`Notification providers not imported: ${r.unmapped.providers.map((p) => `${p.provider} (${p.notifications.length})`).join(', ')}`);
  const h = r.history;
  lines.push(r.applied ? `History: ${h.heartbeats} heartbeats read, ${h.imported} results imported, ${h.skipped} already there or not imported, ${h.incidents} incidents` : `History: ${h.heartbeats} heartbeats would be read (dry run)`);
  return lines.join('\n') + '\n';
}

/** Runs `import-kuma`; returns the exit code (0 done, 1 refused, 2 usage). */
export async function runKumaImportCommand(args: string[], config: Config, io: CliIo = consoleIo): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { 'dry-run': { type: 'boolean' }, 'no-history': { type: 'boolean' }, as: { type: 'string' }, json: { type: 'boolean' } },
    });
    const file = positionals[0];
    if (!file || positionals.length > 1) {
      io.err(`usage: py-monitor\n${kumaUsage}\n`);
      return 2;
    }
    const db = localSqliteFiles.open(file);
    try {
      const report = await withContext(config, async (ctx) =>
        importKuma(ctx, await cliActor(ctx, values.as), db, { validate: validateMonitorsDocument, dryRun: values['dry-run'] ?? false, history: !(values['no-history'] ?? false) }),
      );
      io.out(values.json ? JSON.stringify(report, null, 2) + '\n' : formatKumaReport(report));
    } finally {
      db.close();
    }
    return 0;
  } catch (err) {
    if (err instanceof DomainError) {
      io.err(`${err.message}\n`);
      return 1;
    }
    if (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS')) {
      io.err(`${err.message}\nusage: py-monitor\n${kumaUsage}\n`);
      return 2;
    }
    throw err;
  }
}
