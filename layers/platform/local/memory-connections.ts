import type { ConnectionStore, Push, PushOutcome, WsConnection } from '../ports.ts';

/** WebSocket connections and subscriptions of the local runner, kept in memory. */
export class MemoryConnectionStore implements ConnectionStore {
  private readonly connections = new Map<string, WsConnection>();
  private readonly subscriptions = new Map<string, Set<number>>();

  async add(c: WsConnection): Promise<void> {
    this.connections.set(c.connectionId, c);
  }
  async remove(id: string): Promise<void> {
    this.connections.delete(id);
    this.subscriptions.delete(id);
  }
  async get(id: string): Promise<WsConnection | undefined> {
    return this.connections.get(id);
  }
  async subscribe(id: string, projectId: number): Promise<void> {
    if (!this.connections.has(id)) return;
    const set = this.subscriptions.get(id) ?? new Set<number>();
    set.add(projectId);
    this.subscriptions.set(id, set);
  }
  async unsubscribe(id: string, projectId: number): Promise<void> {
    this.subscriptions.get(id)?.delete(projectId);
  }
  async byUser(userId: number): Promise<WsConnection[]> {
    return [...this.connections.values()].filter((c) => c.userId === userId);
  }
  async byProject(projectId: number): Promise<string[]> {
    return [...this.subscriptions.entries()].filter(([, s]) => s.has(projectId)).map(([id]) => id);
  }
}

export interface SocketLike {
  readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** Close code of a WebSocket whose session ended (4000-4999 are the application's). */
export const SESSION_ENDED_CLOSE_CODE = 4001;

/** Pushes to the sockets the local WebSocket server registered; a closed socket is `gone`. */
export class LocalPush implements Push {
  readonly sockets = new Map<string, SocketLike>();

  async post(connectionId: string, data: unknown): Promise<PushOutcome> {
    const s = this.sockets.get(connectionId);
    if (!s || s.readyState !== 1) return 'gone';
    s.send(typeof data === 'string' ? data : JSON.stringify(data));
    return 'ok';
  }

  async close(connectionId: string): Promise<void> {
    const s = this.sockets.get(connectionId);
    this.sockets.delete(connectionId);
    s?.close(SESSION_ENDED_CLOSE_CODE, 'session ended: sign in again');
  }
}
