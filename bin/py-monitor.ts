#!/usr/bin/env -S npx tsx
// Local runner and CLI: serve | migrate | invoke <function> <event.json> | apply <file> | export | import-kuma <kuma.db>
import { readFile } from 'node:fs/promises';
import { loadConfig, ConfigError, type Config } from '../layers/config.ts';
import { createHttpHandler } from '../layers/endpoints/router.ts';
import { apiRoutes } from '../layers/endpoints/routes/index.ts';
import { createCheckerHandler, createNotifierHandler, createResultsHandler, createSchedulerHandler } from '../layers/handlers/pipeline.ts';
import { createDailyHandler } from '../layers/handlers/daily.ts';
import { createMigrateHandler } from '../layers/handlers/migrate.ts';
import { createToolsHandler } from '../layers/handlers/tools.ts';
import { createWsHandler } from '../layers/handlers/ws.ts';
import { checkerContextFor, createLocalContext, notifierContextFor, type LocalContext } from '../layers/wiring/local/context.ts';
import { kumaUsage, runKumaImportCommand } from '../layers/wiring/local/kuma-cli.ts';
import { monitorsFileUsage, runMonitorsFileCommand } from '../layers/wiring/local/monitors-file-cli.ts';
import { guardProcess, startLocalSystem } from '../layers/wiring/local/runner.ts';
import type { Context } from 'aws-lambda';

const usage = `usage: py-monitor <command>
  serve                           run the whole system locally (http://HOST:PORT)
  migrate                         apply database migrations and exit
  invoke <function> <event.json>  run one function's handler on a sample event and print its response
                                  functions: api, tools, ws, scheduler, checker, results, notifier, daily, migrate
${monitorsFileUsage}
${kumaUsage}`;

type Invocable = (ctx: LocalContext) => (event: never, context: Context) => Promise<unknown>;

const functions: Record<string, Invocable> = {
  api: (ctx) => createHttpHandler(async () => ctx, apiRoutes()) as never,
  tools: (ctx) => createToolsHandler(async () => ctx) as never,
  ws: (ctx) => createWsHandler(async () => ctx) as never,
  scheduler: (ctx) => createSchedulerHandler(async () => ctx) as never,
  checker: (ctx) => createCheckerHandler(async () => checkerContextFor(ctx.config, ctx.queue, ctx.log)) as never,
  results: (ctx) => createResultsHandler(async () => ctx) as never,
  notifier: (ctx) => createNotifierHandler(async () => notifierContextFor(ctx)) as never,
  daily: (ctx) => createDailyHandler(async () => ctx) as never,
  migrate: (ctx) => createMigrateHandler(async () => ctx) as never,
};

async function serve(config: Config): Promise<void> {
  const system = await startLocalSystem(config);
  guardProcess(system.ctx.log);
  system.ctx.log.info('py-monitor listening', { url: system.url, database: system.ctx.databaseLabel });
  console.log(`\nPy_Monitor is running at ${system.url}/  (API docs: ${system.url}/api/v1/docs)\nDatabase: ${system.ctx.databaseLabel}\nPress Ctrl-C to stop.\n`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: shutting down…`);
    const force = setTimeout(() => process.exit(1), 10_000);
    await system.close();
    clearTimeout(force);
    console.log('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

async function main(argv: string[]): Promise<number> {
  const [command, ...args] = argv;
  const config = loadConfig();
  switch (command) {
    case 'serve':
      await serve(config);
      return -1;
    case 'migrate': {
      const ctx = await createLocalContext({ ...config, LOG_LEVEL: 'warn' }, { migrate: false });
      const { migrate } = await import('../layers/repositories/migrate.ts');
      const applied = await migrate(ctx.sql);
      console.log(applied.length ? `applied: ${applied.join(', ')}` : 'database is up to date');
      await ctx.close();
      return 0;
    }
    case 'invoke': {
      const [name, file] = args;
      const make = name ? functions[name] : undefined;
      if (!make || !file) {
        console.error(usage);
        return 2;
      }
      const event = JSON.parse(await readFile(file, 'utf8')) as never;
      const ctx = await createLocalContext({ ...config, LOG_LEVEL: 'warn' });
      try {
        const result = await make(ctx)(event, { functionName: name, awsRequestId: 'invoke' } as Context);
        console.log(JSON.stringify(result, null, 2));
      } finally {
        await ctx.close();
      }
      return 0;
    }
    case 'apply':
    case 'export':
      return runMonitorsFileCommand(command, args, config);
    case 'import-kuma':
      return runKumaImportCommand(args, config);
    default:
      console.error(usage);
      return command ? 2 : 0;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exit(code);
  },
  (err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exit(1);
  },
);
