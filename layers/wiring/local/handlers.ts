// Handler factories: each Lambda entry in functions/ binds one to its AWS context; the local
// runner binds the same ones to its own context. Nothing here knows which. Functions import their
// own module under handlers/ so a bundle holds only the services it calls; this barrel is for the
// local runner and tests.
export { createCheckerHandler, type ProbeEvent } from '../../handlers/checker.ts';
export { createDailyHandler } from '../../handlers/daily.ts';
export { createMigrateHandler } from '../../handlers/migrate.ts';
export { createNotifierHandler } from '../../handlers/notifier.ts';
export { createResultsHandler } from '../../handlers/results.ts';
export { createSchedulerHandler } from '../../handlers/scheduler.ts';
export { createWsHandler, type WsEvent, type WsResult } from '../../handlers/ws.ts';
