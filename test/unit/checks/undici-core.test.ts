import * as undici from 'undici';
import { describe, expect, it } from 'vitest';
import { Agent, buildConnector, Client } from '../../../layers/checks/undici-core.ts';

// Probes and webhooks load undici from its internal modules (a faster cold start); an undici upgrade
// that moves them must fail here, not in a deployed function.
describe('undici core for probes and webhooks', () => {
  it("is what undici's entry point exports, request() included", () => {
    expect(Client).toBe(undici.Client);
    expect(Agent).toBe(undici.Agent);
    expect(buildConnector).toBe(undici.buildConnector);
    expect(typeof Client.prototype.request).toBe('function');
    expect(typeof Agent.prototype.request).toBe('function');
  });
});
