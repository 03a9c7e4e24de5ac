import { receiveMessageOnPort } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { errorMessage } from '../errors.js';

/**
 * Synchronous calls from a generator thread to the main thread, for what a layout's router asks
 * synchronously and only the main thread knows (a connection config, a role's password derived
 * from the target's private secret, which never leaves the main thread). The thread posts the call
 * and sleeps in Atomics.wait until the main thread has posted the answer (synckit's pattern); the
 * main thread answers from its event loop, which is idle while the threads drive the load. Calls
 * happen when a connection is opened, never per request.
 */
export type SyncHandlers = Record<string, (...args: never[]) => unknown>;

interface Reply {
  value?: unknown;
  error?: string;
}

/** Main side: answer the thread's calls on `port`, then wake it through `flag`. */
export function serveSyncCalls(port: MessagePort, flag: SharedArrayBuffer, handlers: SyncHandlers): void {
  const cell = new Int32Array(flag);
  port.on('message', (m: { method: string; args: never[] }) => {
    let reply: Reply;
    try {
      const h = handlers[m.method];
      if (!h) throw new Error(`no such call: ${m.method}`);
      reply = { value: h(...m.args) };
    } catch (err) {
      reply = { error: errorMessage(err) };
    }
    port.postMessage(reply);
    Atomics.store(cell, 0, 1);
    Atomics.notify(cell, 0);
  });
  // The calls never keep the process alive on their own: the worker does, while it runs.
  port.unref();
}

/** Thread side: call `method` on the main thread and wait for its answer (at most `timeoutMs`). */
export function syncCaller(port: MessagePort, flag: SharedArrayBuffer, timeoutMs = 30_000): (method: string, args: unknown[]) => unknown {
  const cell = new Int32Array(flag);
  return (method, args) => {
    Atomics.store(cell, 0, 0);
    port.postMessage({ method, args });
    Atomics.wait(cell, 0, 0, timeoutMs);
    const m = receiveMessageOnPort(port);
    if (!m) throw new Error(`the main thread did not answer ${method} within ${timeoutMs} ms`);
    const r = m.message as Reply;
    if (r.error !== undefined) throw new Error(r.error);
    return r.value;
  };
}
