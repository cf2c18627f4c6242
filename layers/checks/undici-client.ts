import type { Client as UndiciClient } from 'undici';
import api from 'undici/lib/api/index.js';
import ClientImpl from 'undici/lib/dispatcher/client.js';
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';

// undici's entry point also loads fetch, WebSocket, EventSource, caches and mocks: ~35 ms of every
// cold start of a probing function. A probe needs Client and its request(), which the entry point
// mixes into Dispatcher.prototype, as done here. undici is pinned exactly: these paths are internal.
Object.assign(Dispatcher.prototype, api);

export const Client: typeof UndiciClient = ClientImpl;
