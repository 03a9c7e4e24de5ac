import type { Acquisition } from '../layouts/layout.js';
import { LatencyHistogram } from '../measure/latency-histogram.js';
import type { AcquisitionSummary } from '../results/workload-schema.js';

/** AcquisitionRecord as plain data: [reused, connected, waitedThenReused, waitedThenConnected] and base64 HdrHistograms. */
export interface AcquisitionWire {
  counts: [number, number, number, number];
  /** waitedForHeldMs */
  heldWaitMs: number;
  wait: string;
  connect: string;
}

/**
 * How the router obtained the connections of one query's successful requests: counts per kind, and
 * the time queued in the router (requests that waited) and spent connecting (requests that opened one).
 */
export class AcquisitionRecord {
  reused = 0;
  connected = 0;
  waitedThenReused = 0;
  waitedThenConnected = 0;
  /** Total time waited-then-reused requests queued for a connection the router already held, ms. */
  waitedForHeldMs = 0;
  readonly wait = new LatencyHistogram();
  readonly connect = new LatencyHistogram();

  record(a: Acquisition): void {
    switch (a.kind) {
      case 'reused':
        this.reused++;
        return;
      case 'connected':
        this.connected++;
        break;
      case 'waited-then-reused':
        this.waitedThenReused++;
        this.waitedForHeldMs += a.waitMs;
        break;
      case 'waited-then-connected':
        this.waitedThenConnected++;
        break;
    }
    if (a.kind !== 'connected') this.wait.recordMs(a.waitMs);
    if (a.kind !== 'waited-then-reused') this.connect.recordMs(a.connectMs);
  }

  add(o: AcquisitionRecord): void {
    this.reused += o.reused;
    this.connected += o.connected;
    this.waitedThenReused += o.waitedThenReused;
    this.waitedThenConnected += o.waitedThenConnected;
    this.waitedForHeldMs += o.waitedForHeldMs;
    this.wait.add(o.wait);
    this.connect.add(o.connect);
  }

  /** A plain, structured-clone-safe copy (counts and encoded histograms), e.g. to send from a worker thread. */
  toWire(): AcquisitionWire {
    return {
      counts: [this.reused, this.connected, this.waitedThenReused, this.waitedThenConnected],
      heldWaitMs: this.waitedForHeldMs,
      wait: this.wait.encode(),
      connect: this.connect.encode(),
    };
  }

  /** Add a record sent with toWire (exactly: counts summed, histograms HDR-added). */
  addWire(w: AcquisitionWire): void {
    const [r, c, wr, wc] = w.counts;
    this.reused += r;
    this.connected += c;
    this.waitedThenReused += wr;
    this.waitedThenConnected += wc;
    this.waitedForHeldMs += w.heldWaitMs;
    this.wait.add(LatencyHistogram.decode(w.wait));
    this.connect.add(LatencyHistogram.decode(w.connect));
  }

  get requests(): number {
    return this.reused + this.connected + this.waitedThenReused + this.waitedThenConnected;
  }

  /** The summary.json figures; null when no request said how (a router that does not tell). */
  summary(): AcquisitionSummary | null {
    const n = this.requests;
    if (n === 0) return null;
    const phase = (h: LatencyHistogram) => ({ ...h.summary(), count: h.count, meanMs: h.meanMs() });
    return {
      requests: n,
      reused: this.reused,
      connected: this.connected,
      waitedThenReused: this.waitedThenReused,
      waitedThenConnected: this.waitedThenConnected,
      waitedShare: (this.waitedThenReused + this.waitedThenConnected) / n,
      connectedShare: (this.connected + this.waitedThenConnected) / n,
      reusedShare: this.reused / n,
      wait: phase(this.wait),
      connect: phase(this.connect),
    };
  }
}
