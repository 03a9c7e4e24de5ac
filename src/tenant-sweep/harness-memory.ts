/**
 * The harness process's own memory over a stretch of work: resident set size and V8 heap sampled
 * every `intervalMs` (an unref'd timer, so it never keeps the process alive). process.resourceUsage()
 * only gives the lifetime peak, which can never go down from one sweep step to the next; sampling
 * gives each step its own peak.
 */
import type { SweepStepSummary } from '../results/sweep-schema.js';

export type HarnessMemory = NonNullable<SweepStepSummary['harness']>;

export class HarnessMemorySampler {
  private readonly timer: NodeJS.Timeout;
  private readonly rssStart: number;
  private peakRss = 0;
  private peakHeap = 0;
  private samples = 0;

  constructor(private readonly intervalMs = 100) {
    this.rssStart = process.memoryUsage.rss();
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  private sample(): void {
    const m = process.memoryUsage();
    this.peakRss = Math.max(this.peakRss, m.rss);
    this.peakHeap = Math.max(this.peakHeap, m.heapUsed);
    this.samples++;
  }

  /** The figures so far (the sampler keeps running). */
  current(): HarnessMemory {
    return {
      peakRssBytes: this.peakRss,
      peakHeapUsedBytes: this.peakHeap,
      rssStartBytes: this.rssStart,
      rssEndBytes: process.memoryUsage.rss(),
      samples: this.samples,
      sampleIntervalMs: this.intervalMs,
    };
  }

  stop(): HarnessMemory {
    clearInterval(this.timer);
    this.sample();
    return this.current();
  }
}
