import type { Agent as UndiciAgent, buildConnector as undiciBuildConnector, Client as UndiciClient } from 'undici';
import api from 'undici/lib/api/index.js';
import buildConnectorImpl from 'undici/lib/core/connect.js';
import AgentImpl from 'undici/lib/dispatcher/agent.js';
import ClientImpl from 'undici/lib/dispatcher/client.js';
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';

// undici's entry point also loads fetch, WebSocket, EventSource, caches and mocks: ~35 ms of every
// cold start of a function that probes or posts webhooks. Those need Client, Agent, buildConnector and
// request(), which the entry point mixes into Dispatcher.prototype, as done here. undici is pinned
// exactly: these paths are internal (test/unit/checks/undici-core.test.ts checks them).
Object.assign(Dispatcher.prototype, api);

export const Client: typeof UndiciClient = ClientImpl;
export const Agent: typeof UndiciAgent = AgentImpl;
export const buildConnector: typeof undiciBuildConnector = buildConnectorImpl;
