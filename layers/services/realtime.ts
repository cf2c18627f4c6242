import * as z from 'zod';
import { DomainError } from '../errors.ts';
import { findProject } from '../repositories/projects.ts';
import { authenticateSession, sessionEndReason } from './auth.ts';
import type { ServiceContext } from './context.ts';
import type { NotifyMessageInput } from './messages.ts';

// WebSocket protocol of spec 11: client subscribe/unsubscribe/ping; server status/alert/pong.

export async function connect(ctx: ServiceContext, c: { connectionId: string; token: string | undefined; userId: string | undefined }): Promise<void> {
  if (!c.token) throw new DomainError('UNAUTHORIZED', 'a token is required (?token=)');
  const { actor, version } = await authenticateSession(ctx, c.token);
  if (String(actor.id) !== c.userId) throw new DomainError('FORBIDDEN', "the path's user id is not the token's user");
  await ctx.connections.add({ connectionId: c.connectionId, userId: actor.id, connectedAt: ctx.clock.now().toISOString(), tokenVersion: version });
}

/**
 * Ends a user's WebSocket sessions opened before `belowVersion` (null: all of them, for a disabled or
 * deleted account). The notifier closes them: on AWS it is the function that may manage connections.
 */
export async function closeSessions(ctx: ServiceContext, userId: number, belowVersion: number | null): Promise<void> {
  const message: NotifyMessageInput = { type: 'close_sessions', user_id: userId, below_version: belowVersion };
  try {
    await ctx.queue.send('notifications', [{ body: message }]);
  } catch (err) {
    // Their next message finds the session ended (onMessage) and stops their pushes.
    ctx.log.error('could not ask to close ended WebSocket sessions', { userId, error: err instanceof Error ? err.message : String(err) });
  }
}

export async function disconnect(ctx: ServiceContext, connectionId: string): Promise<void> {
  await ctx.connections.remove(connectionId);
}

// Project ids are PostgreSQL integers: a larger one would fail in SQL instead of as a bad message.
const projectId = z.number().int().positive().max(2_147_483_647);
const clientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('subscribe'), project_id: projectId }),
  z.object({ type: z.literal('unsubscribe'), project_id: projectId }),
  z.object({ type: z.literal('ping') }),
]);

export type ServerReply =
  | { type: 'pong'; time: string }
  | { type: 'subscribed' | 'unsubscribed'; project_id: number }
  | { type: 'error'; message: string };

/**
 * Handles one client message and returns the answer (pong, subscribed, or an error). The answer goes
 * back as the route response, so the in-VPC function needs no outbound push for it.
 */
export async function onMessage(ctx: ServiceContext, connectionId: string, raw: string): Promise<ServerReply | undefined> {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { type: 'error', message: 'messages must be JSON objects with a "type"' };
  }
  const parsed = clientMessage.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { type: 'error', message: `invalid message: ${issue ? `${issue.path.join('.') || 'type'}: ${issue.message}` : 'unknown'}` };
  }
  const m = parsed.data;
  // Pings check the session too: a dashboard only pings (every 25 s), and an account disabled or deleted
  // in the database announces nothing. A connection the store does not know gets no pushes anyway.
  const conn = await ctx.connections.get(connectionId);
  const pong: ServerReply = { type: 'pong', time: ctx.clock.now().toISOString() };
  if (!conn) return m.type === 'ping' ? pong : { type: 'error', message: 'unknown connection; reconnect' };
  const ended = await sessionEndReason(ctx, conn.userId, conn.tokenVersion ?? 0);
  if (ended) {
    // Forgotten, it gets no more pushes; the notifier closes it if the session end was announced.
    await ctx.connections.remove(connectionId);
    return { type: 'error', message: `session ended (${ended}); reconnect with a new token` };
  }
  if (m.type === 'ping') return pong;
  if (m.type === 'subscribe') {
    if (!(await findProject(ctx.sql, m.project_id))) return { type: 'error', message: `project ${m.project_id} not found` };
    await ctx.connections.subscribe(connectionId, m.project_id);
    return { type: 'subscribed', project_id: m.project_id };
  }
  await ctx.connections.unsubscribe(connectionId, m.project_id);
  return { type: 'unsubscribed', project_id: m.project_id };
}
