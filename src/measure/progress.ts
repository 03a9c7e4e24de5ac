import cliProgress from 'cli-progress';
import type { LayoutName } from '../config/scenario-schema.js';
import type { SeedProgress } from '../layouts/layout.js';

/**
 * Seeding progress: bars (rows, rows/s, phase per layout) on a TTY; plain lines otherwise
 * (a phase change, and the row count at most every 10 s), on stderr so stdout stays clean.
 */
export interface ProgressSink extends SeedProgress {
  start(layout: LayoutName, totalRows: number): void;
  done(layout: LayoutName, note: string): void;
  stop(): void;
}

export function makeProgress(opts: { tty?: boolean; quiet?: boolean } = {}): ProgressSink {
  if (opts.quiet) return { start() {}, phase() {}, rows() {}, done() {}, stop() {} };
  const tty = opts.tty ?? (!!process.stderr.isTTY && !process.env.CI);
  return tty ? ttyProgress() : lineProgress();
}

function ttyProgress(): ProgressSink {
  const multi = new cliProgress.MultiBar(
    {
      stream: process.stderr,
      format: '{layout} |{bar}| {percentage}% {value}/{total} rows | {rate} rows/s | {phase}',
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<LayoutName, { bar: cliProgress.SingleBar; t0: number; value: number }>();
  return {
    start(layout, total) {
      bars.set(layout, { bar: multi.create(total, 0, { layout: layout.padEnd(8), rate: 0, phase: 'starting' }), t0: Date.now(), value: 0 });
    },
    phase(layout, phase) {
      const b = bars.get(layout);
      b?.bar.update(b.value, { phase });
    },
    rows(layout, n) {
      const b = bars.get(layout);
      if (!b) return;
      b.value += n;
      const rate = Math.round(b.value / Math.max(0.001, (Date.now() - b.t0) / 1000));
      b.bar.update(b.value, { rate });
    },
    done(layout, note) {
      const b = bars.get(layout);
      b?.bar.update(b.value, { phase: note });
    },
    stop() {
      multi.stop();
    },
  };
}

function lineProgress(): ProgressSink {
  const state = new Map<LayoutName, { total: number; value: number; t0: number; last: number }>();
  const say = (s: string) => process.stderr.write(`${s}\n`);
  return {
    start(layout, total) {
      state.set(layout, { total, value: 0, t0: Date.now(), last: Date.now() });
      say(`[${layout}] seeding ${total.toLocaleString('en-US')} rows`);
    },
    phase(layout, phase) {
      const s = state.get(layout);
      say(
        `[${layout}] ${phase}${s ? ` (${s.value.toLocaleString('en-US')} rows so far, ${((Date.now() - s.t0) / 1000).toFixed(1)} s)` : ''}`,
      );
    },
    rows(layout, n) {
      const s = state.get(layout);
      if (!s) return;
      s.value += n;
      if (Date.now() - s.last >= 10_000) {
        s.last = Date.now();
        const rate = s.value / ((Date.now() - s.t0) / 1000);
        say(
          `[${layout}] ${s.value.toLocaleString('en-US')}/${s.total.toLocaleString('en-US')} rows, ${Math.round(rate).toLocaleString('en-US')} rows/s`,
        );
      }
    },
    done(layout, note) {
      say(`[${layout}] ${note}`);
    },
    stop() {},
  };
}

/** "1 h 02 min", "12 min 05 s", "40 s": a duration for a progress line. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s >= 3600) return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
  if (s >= 60) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${s} s`;
}

/**
 * The progress line printed as each stage of a command starts: which stage of how many, the time so
 * far, and an ETA for the whole run (the estimates of the stages not yet done; a stage that already
 * took longer than its estimate counts as nearly done).
 */
export function stageEtaLine(o: {
  index: number;
  count: number;
  id: string;
  elapsedSeconds: number;
  /** Estimated seconds of this stage and every later one that will run. */
  remainingEstimates: readonly number[];
}): string {
  const left = o.remainingEstimates.reduce((a, b) => a + b, 0);
  return `stage ${o.index + 1}/${o.count} ${o.id}: ${formatDuration(o.elapsedSeconds)} so far, about ${formatDuration(left)} left (estimated: ETA ${formatDuration(o.elapsedSeconds + left)} in all)`;
}
