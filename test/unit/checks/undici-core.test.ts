import * as undici from 'undici';
import { describe, expect, it } from 'vitest';
import { Agent, buildConnector } from '../../../layers/checks/undici-core.ts';

// Webhooks load undici from its internal modules (a faster cold start); an undici upgrade that moves
// them must fail here, not in a deployed function.
describe('undici core for webhooks', () => {
  it("is what undici's entry point exports, request() included", () => {
    expect(Agent).toBe(undici.Agent);
    expect(buildConnector).toBe(undici.buildConnector);
    expect(typeof Agent.prototype.request).toBe('function');
  });
});
