// Preloaded into `py-monitor serve` (node --import) by the robustness test, so faults that escape
// every handler hit the real entry point. stdin lines: "throw" raises from a timer callback,
// "reject" leaves a rejected promise unawaited, "emit" emits 'error' on an emitter with no listener.
import { EventEmitter } from 'node:events';
import { createInterface } from 'node:readline';

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'throw') setImmediate(() => { throw new Error('injected fault from a callback'); });
  if (line === 'reject') void Promise.reject(new Error('injected rejection nobody awaits'));
  if (line === 'emit') setImmediate(() => new EventEmitter().emit('error', new Error('injected error event nobody listens to')));
});
