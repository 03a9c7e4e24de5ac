import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64 } from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';

/**
 * Latencies in an HdrHistogram, recorded in integer microseconds (1 µs resolution, 3 significant
 * digits: every value is within 0.1% of the true one), reported in milliseconds. Never an array
 * of samples sorted at the end: memory is fixed (~100 KiB) whatever the sample count, and the
 * encoded form can be re-merged across runs (`merge`).
 */
export class LatencyHistogram {
  readonly h: Histogram;

  constructor(h?: Histogram) {
    // 60 s is far beyond any sane request; autoResize keeps a pathological value instead of throwing.
    this.h =
      h ??
      build({
        bitBucketSize: 32,
        autoResize: true,
        lowestDiscernibleValue: 1,
        highestTrackableValue: 60_000_000,
        numberOfSignificantValueDigits: 3,
        useWebAssembly: false,
      });
  }

  /** Record one latency given in milliseconds (fractions kept to the microsecond). */
  recordMs(ms: number): void {
    // A value below 1 µs (clock granularity) is recorded as 1 µs rather than dropped.
    this.h.recordValue(ms < 0.001 ? 1 : Math.round(ms * 1000));
  }

  get count(): number {
    return this.h.totalCount;
  }

  /** Value at a percentile (0-100) in ms; null when nothing was recorded (unknown, not 0). */
  percentileMs(p: number): number | null {
    return this.h.totalCount === 0 ? null : this.h.getValueAtPercentile(p) / 1000;
  }

  /** Mean in ms; null when nothing was recorded. */
  meanMs(): number | null {
    return this.h.totalCount === 0 ? null : this.h.mean / 1000;
  }

  maxMs(): number | null {
    return this.h.totalCount === 0 ? null : this.h.maxValue / 1000;
  }

  add(other: LatencyHistogram): void {
    this.h.add(other.h);
  }

  reset(): void {
    this.h.reset();
  }

  /** Compressed base64 (the HdrHistogram V2 encoding): decodable by any HdrHistogram library. */
  encode(): string {
    return encodeIntoCompressedBase64(this.h);
  }

  static decode(base64: string): LatencyHistogram {
    return new LatencyHistogram(decodeFromCompressedBase64(base64, 32, false));
  }

  /** One histogram from several encoded ones (e.g. the repeats of a run, or several runs). */
  static merge(encoded: readonly string[]): LatencyHistogram {
    const out = new LatencyHistogram();
    for (const e of encoded) out.add(LatencyHistogram.decode(e));
    return out;
  }

  summary(): LatencySummary {
    return {
      p50Ms: this.percentileMs(50),
      p95Ms: this.percentileMs(95),
      p99Ms: this.percentileMs(99),
      p999Ms: this.percentileMs(99.9),
      maxMs: this.maxMs(),
    };
  }
}

export interface LatencySummary {
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
  p999Ms: number | null;
  maxMs: number | null;
}
