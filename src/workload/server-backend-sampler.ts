/**
 * The server's side of the router's connections during the measured window: the layout's
 * application backends sampled in pg_stat_activity every `intervalMs`, counted by state. A backend
 * 'active' is the server working; 'idle in transaction' is the server waiting for the client (the
 * generator) between the statements of a request; 'idle' is a connection between requests. Read on
 * one admin connection opened before the window (no connection set-up inside it); samples are taken
 * only between begin() and end() (the window's edges, synchronous like the other edge marks).
 */
import createDebug from 'debug';
import { connect } from '../db/client.js';
import type { DbClient } from '../db/types.js';
import { errorMessage } from '../errors.js';
import { APP_BACKENDS_WHERE } from '../measure/app-backends.js';
import { pollQuery } from '../measure/poll-query.js';
import type { Polling } from '../measure/poll-query.js';
import type { Target } from '../target/target.js';

const debug = createDebug('tenantbench:server-backends');

/** One sample every 25 ms: ~40 cheap catalog-view reads a second (a fraction of a ms each). */
export const SAMPLE_INTERVAL_MS = 25;

/** Backend-state shares over the window's samples (each sample's backends counted once). */
export interface ServerBackends {
  /** Samples taken in the window. */
  samples: number;
  /** Mean application backends seen per sample. */
  meanBackends: number;
  /** Share of sampled backends 'active' (the server working), 0..1; null when none was seen. */
  activeShare: number | null;
  /** Share 'idle in transaction' (aborted included): the server waiting for the client, 0..1. */
  idleInTransactionShare: number | null;
  /** Share 'idle': between requests, 0..1. */
  idleShare: number | null;
  /**
   * The samples taken while requests waited in the router's queue (one pool for every tenant only;
   * null behind other routers): the states of the connections those requests waited for.
   */
  whileQueued?: WhileQueued | null;
  /** null when sampled; else "not measured: <why>". */
  reason: string | null;
}

export interface WhileQueued {
  samples: number;
  /** Shares of the backends seen in those samples, 0..1; null when none was seen. */
  idleInTransactionShare: number | null;
  idleShare: number | null;
}

export function notSampled(reason: string): ServerBackends {
  return { samples: 0, meanBackends: 0, activeShare: null, idleInTransactionShare: null, idleShare: null, whileQueued: null, reason };
}

const SQL = `SELECT count(*) FILTER (WHERE state = 'active')::int AS active,
  count(*) FILTER (WHERE state LIKE 'idle in transaction%')::int AS in_tx,
  count(*) FILTER (WHERE state = 'idle')::int AS idle,
  count(*)::int AS n
  FROM pg_stat_activity WHERE ${APP_BACKENDS_WHERE} AND datname = ANY ($1)`;

export class ServerBackendSampler {
  private active = 0;
  private inTx = 0;
  private idle = 0;
  private seen = 0;
  private samples = 0;
  /** The same over the samples taken while requests waited in the router. */
  private readonly queued = { samples: 0, inTx: 0, idle: 0, seen: 0 };
  /** The layout's databases, the query's parameter. */
  private readonly dbs: string[];
  private polling: Polling | null = null;
  private closed = false;

  private constructor(
    private readonly client: DbClient,
    databases: readonly string[],
    private readonly intervalMs: number,
    private readonly waiting: (() => number) | undefined,
  ) {
    this.dbs = [...databases];
  }

  /**
   * Connect on the admin database; a failure is the reason, not an exception (the window runs anyway).
   * `waiting`: the router's queue length now (one pool for every tenant), read at each sample.
   */
  static async open(
    target: Target,
    databases: readonly string[],
    waiting?: () => number,
    intervalMs = SAMPLE_INTERVAL_MS,
  ): Promise<ServerBackendSampler | string> {
    try {
      const client = await connect(target.config(target.admin.database), { ignoreIdleErrors: true });
      return new ServerBackendSampler(client, databases, intervalMs, waiting);
    } catch (err) {
      debug('no sampler: %s', errorMessage(err));
      return `not measured: pg_stat_activity could not be sampled (${errorMessage(err)})`;
    }
  }

  /** Start sampling (the window began). */
  begin(): void {
    if (this.polling) return;
    this.polling = pollQuery(() => this.sample(), this.intervalMs);
  }

  /** Stop sampling (the window ended); the sample in flight still counts. */
  end(): void {
    this.polling?.end();
  }

  private async sample(): Promise<void> {
    // The queue before and after the snapshot: requests waited all along it.
    const before = this.waiting?.() ?? 0;
    const r = await this.client.query<{ active: number; in_tx: number; idle: number; n: number }>(SQL, [this.dbs]);
    const row = r.rows[0]!;
    this.active += row.active;
    this.inTx += row.in_tx;
    this.idle += row.idle;
    this.seen += row.n;
    this.samples++;
    if (before > 0 && (this.waiting?.() ?? 0) > 0) {
      this.queued.samples++;
      this.queued.inTx += row.in_tx;
      this.queued.idle += row.idle;
      this.queued.seen += row.n;
    }
  }

  /** The window's shares (stops sampling if still running) and close the connection. */
  async finish(): Promise<ServerBackends> {
    const failure = (await this.polling?.stop()) ?? null;
    await this.close();
    if (failure) return notSampled(`not measured: sampling pg_stat_activity failed (${errorMessage(failure.error)})`);
    if (this.samples === 0) return notSampled('not measured: no sample taken in the window');
    const share = (x: number) => (this.seen ? x / this.seen : null);
    return {
      samples: this.samples,
      meanBackends: this.seen / this.samples,
      activeShare: share(this.active),
      idleInTransactionShare: share(this.inTx),
      idleShare: share(this.idle),
      whileQueued: this.waiting ? whileQueuedOf(this.queued) : null,
      reason: null,
    };
  }

  /** Idempotent: finish() closes, and the segment's own cleanup closes again on every path. */
  async close(): Promise<void> {
    this.end();
    if (this.closed) return;
    this.closed = true;
    await this.client.end().catch(() => {});
  }
}

function whileQueuedOf(q: { samples: number; inTx: number; idle: number; seen: number }): WhileQueued {
  const share = (x: number) => (q.seen ? x / q.seen : null);
  return { samples: q.samples, idleInTransactionShare: share(q.inTx), idleShare: share(q.idle) };
}

/** Several windows' shares as one (weighted by the backends each sampled); the first reason when none was sampled. */
export function poolServerBackends<T extends ServerBackends & { notJudged: string | null }>(
  list: readonly T[],
): (ServerBackends & { notJudged: string | null }) | null {
  if (!list.length) return null;
  const sampled = list.filter((b) => b.reason === null && b.samples > 0);
  const notJudged = list.find((b) => b.notJudged !== null)?.notJudged ?? null;
  if (!sampled.length) return { ...notSampled(list[0]!.reason ?? 'not measured: no sample taken'), notJudged };
  const seen = (b: ServerBackends) => b.samples * b.meanBackends;
  const total = sampled.reduce((a, b) => a + seen(b), 0);
  const samples = sampled.reduce((a, b) => a + b.samples, 0);
  const pooled = (k: 'activeShare' | 'idleInTransactionShare' | 'idleShare') =>
    total ? sampled.reduce((a, b) => a + (b[k] ?? 0) * seen(b), 0) / total : null;
  return {
    samples,
    meanBackends: total / samples,
    activeShare: pooled('activeShare'),
    idleInTransactionShare: pooled('idleInTransactionShare'),
    idleShare: pooled('idleShare'),
    whileQueued: pooledWhileQueued(sampled),
    reason: null,
    notJudged,
  };
}

/** The windows' samples taken while requests queued, as one (weighted by their samples); null when no window had a probe. */
function pooledWhileQueued(list: readonly ServerBackends[]): WhileQueued | null {
  const qs = list.map((b) => b.whileQueued).filter((q): q is WhileQueued => q != null);
  if (!qs.length) return null;
  const samples = qs.reduce((a, q) => a + q.samples, 0);
  const pooled = (k: 'idleInTransactionShare' | 'idleShare') => {
    const known = qs.filter((q) => q[k] !== null && q.samples > 0);
    const n = known.reduce((a, q) => a + q.samples, 0);
    return n ? known.reduce((a, q) => a + q[k]! * q.samples, 0) / n : null;
  };
  return { samples, idleInTransactionShare: pooled('idleInTransactionShare'), idleShare: pooled('idleShare') };
}
