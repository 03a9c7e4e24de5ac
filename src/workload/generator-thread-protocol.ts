import type { ResolvedScenario, ResolvedWorkload } from '../config/resolved-scenario.js';
import type { LayoutName } from '../config/scenario-schema.js';
import type { RouterStats } from '../layouts/layout.js';
import type { EventLoopLag } from '../measure/event-loop-lag.js';
import type { ConnParams, TargetKind } from '../target/target.js';
import type { DatasetPlan } from '../../seed/tenant-plan.js';
import type { DriveResult } from './drive-context.js';
import type { IdBase, ThreadShare } from './generator-thread-share.js';
import type { EncodedRecorder } from './workload-recorder.js';

/** What a generator thread starts from (workerData): plain data, the main thread's objects stay there. */
export interface ThreadInit {
  share: ThreadShare;
  layout: LayoutName;
  /** The scenario with this thread's share of the layout's connection caps. */
  scenario: ResolvedScenario;
  workload: ResolvedWorkload;
  /** Server connections this thread's router may hold (its share of the users). */
  maxConnections: number;
  /** Connections to open before the warm-up (its share of the segment's prewarm). */
  prewarm: number;
  plan: DatasetPlan;
  seeded: LayoutName[];
  serverVersionNum: number;
  target: { kind: TargetKind; description: string; admin: ConnParams; appliedSettings: Record<string, string> };
  prefix: string;
  seed: number;
  /** Ids for writes: the open loop replays every arrival's draw on every thread, the closed loop strides. */
  ids: { base: IdBase; strided: boolean } | null;
  /** Port and flag of the synchronous calls to the main thread (generator-thread-rpc.ts). */
  rpcPort: import('node:worker_threads').MessagePort;
  rpcFlag: SharedArrayBuffer;
  /** One Int32 cell per thread where this thread publishes its router's queue (generator-thread-queue.ts); null = not read. */
  queueCells: SharedArrayBuffer | null;
}

/** What a thread reports when its drive is over (its router closed). */
export interface ThreadResult {
  drive: DriveResult;
  recorder: EncodedRecorder;
  lag: EventLoopLag;
  /** This thread's CPU in the measured window, ms (thread-cpu.ts). */
  cpuMs: number;
  router: RouterStats;
  abortReason: string | null;
}

export type FromThread =
  | { type: 'ready' }
  | { type: 'abort'; reason: string }
  | { type: 'done'; result: ThreadResult }
  | { type: 'error'; message: string };

export type ToThread = { type: 'go'; startEpochMs: number } | { type: 'stop'; reason: string };
