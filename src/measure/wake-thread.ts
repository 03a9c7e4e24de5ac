import { Worker } from 'node:worker_threads';

/**
 * A thread that sleeps in Atomics.wait (a futex: sub-millisecond precision, no CPU) until a
 * deadline and then posts a message, which wakes the main event loop out of its poll like any I/O:
 * the main thread waits for the deadline *and* for responses without spinning. One deadline at a
 * time; a new one replaces the pending one.
 */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
const seq = new Int32Array(workerData, 0, 1);
const at = new Float64Array(workerData, 8, 1);
let seen = 0;
for (;;) {
  Atomics.wait(seq, 0, seen);
  for (;;) {
    seen = Atomics.load(seq, 0);
    if (seen < 0) process.exit(0);
    const wait = at[0] - (performance.timeOrigin + performance.now());
    if (wait > 0 && Atomics.wait(seq, 0, seen, wait) !== 'timed-out') continue;
    if (Atomics.load(seq, 0) === seen) { parentPort.postMessage(seen); break; }
  }
}
`;

export class WakeThread {
  private readonly sab = new SharedArrayBuffer(16);
  private readonly seq = new Int32Array(this.sab, 0, 1);
  private readonly at = new Float64Array(this.sab, 8, 1);
  private readonly worker: Worker;
  private pending = 0;

  constructor(onWake: () => void) {
    this.worker = new Worker(WORKER, { eval: true, workerData: this.sab });
    this.worker.unref();
    this.worker.on('message', (s: number) => {
      if (s !== this.pending) return; // replaced or cancelled meanwhile
      this.pending = 0;
      this.worker.unref();
      onWake();
    });
  }

  /** Wake at `deadline` (performance.now() ms of this thread). */
  wakeAt(deadline: number): void {
    this.at[0] = performance.timeOrigin + deadline;
    let s = Atomics.add(this.seq, 0, 1) + 1;
    if (s <= 0) s = Atomics.store(this.seq, 0, 1); // wrapped
    this.pending = s;
    // A pending wake-up keeps the process alive, as a timer would.
    this.worker.ref();
    Atomics.notify(this.seq, 0);
  }

  cancel(): void {
    if (this.pending === 0) return;
    this.pending = 0;
    Atomics.add(this.seq, 0, 1);
    Atomics.notify(this.seq, 0);
    this.worker.unref();
  }

  async close(): Promise<void> {
    this.pending = 0;
    Atomics.store(this.seq, 0, -1);
    Atomics.notify(this.seq, 0);
    await this.worker.terminate().catch(() => {});
  }
}
