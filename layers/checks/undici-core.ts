import type { Agent as UndiciAgent, buildConnector as undiciBuildConnector } from 'undici';
import api from 'undici/lib/api/index.js';
import buildConnectorImpl from 'undici/lib/core/connect.js';
import AgentImpl from 'undici/lib/dispatcher/agent.js';
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';

// undici's entry point also loads fetch, WebSocket, EventSource, caches and mocks: ~35 ms of every
// cold start of a function that posts webhooks. Those need Agent, buildConnector and request(), which
// the entry point mixes into Dispatcher.prototype, as done here. undici is pinned exactly: these
// paths are internal (test/unit/checks/undici-core.test.ts checks them). Probes do not use undici:
// they speak HTTP/1.1 themselves (layers/checks/http1.ts).
Object.assign(Dispatcher.prototype, api);

export const Agent: typeof UndiciAgent = AgentImpl;
export const buildConnector: typeof undiciBuildConnector = buildConnectorImpl;
