import { Client as EntryClient } from 'undici';
import { describe, expect, it } from 'vitest';
import { Client } from '../../../layers/checks/undici-client.ts';

// The probes load undici's Client from its internal modules (a faster cold start); an undici upgrade
// that moves them must fail here, not in a deployed checker.
describe('undici client for the probes', () => {
  it("is the Client of undici's entry point, request() included", () => {
    expect(Client).toBe(EntryClient);
    expect(typeof Client.prototype.request).toBe('function');
  });
});
