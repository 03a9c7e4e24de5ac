/**
 * Waiting for a server the harness started (PostgreSQL, PgBouncer) to accept work, in the style of
 * testcontainers' wait strategies: `Wait.forQuery(config).withStartupTimeout(ms)` describes what
 * "ready" means, `waitUntilReady(process)` polls until it holds, the process exits, or the time is
 * up. The outcome is returned, not thrown: the caller owns the process and the log to quote, so it
 * stops the one and builds the error from the other.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { connect } from './client.js';
import type { ConnectionConfig } from './types.js';

/** The process being waited for (a node ChildProcess is one). */
export interface WatchedProcess {
  readonly exitCode: number | null;
  readonly signalCode: NodeJS.Signals | null;
}

export type Readiness =
  | { ready: true }
  /** The process exited before it was ready. */
  | { ready: false; reason: 'exited'; exitCode: number | null; signal: NodeJS.Signals | null }
  /** Not ready within the timeout, or an attempt failed in a way waiting will not cure (`giveUpOn`). */
  | { ready: false; reason: 'timeout' | 'gave-up'; lastError: unknown };

export interface WaitStrategy {
  readonly startupTimeoutMs: number;
  /** Give up after `ms` (default 60 000). */
  withStartupTimeout(ms: number): WaitStrategy;
  /** Time between attempts (default 100 ms). */
  withPollInterval(ms: number): WaitStrategy;
  /** Stop waiting at the first attempt failing with an error `test` accepts (a refused password). */
  withGiveUpOn(test: (err: unknown) => boolean): WaitStrategy;
  /** Poll until ready; `process` (when given) exiting ends the wait at once. */
  waitUntilReady(process?: WatchedProcess): Promise<Readiness>;
}

interface Settings {
  startupTimeoutMs: number;
  pollIntervalMs: number;
  giveUpOn: (err: unknown) => boolean;
}

const DEFAULTS: Settings = { startupTimeoutMs: 60_000, pollIntervalMs: 100, giveUpOn: () => false };

/** Ready = one attempt of `attempt` succeeds. */
class PollingWait implements WaitStrategy {
  constructor(
    private readonly attempt: () => Promise<void>,
    private readonly s: Settings = DEFAULTS,
  ) {}

  get startupTimeoutMs(): number {
    return this.s.startupTimeoutMs;
  }
  withStartupTimeout(ms: number): WaitStrategy {
    return new PollingWait(this.attempt, { ...this.s, startupTimeoutMs: ms });
  }
  withPollInterval(ms: number): WaitStrategy {
    return new PollingWait(this.attempt, { ...this.s, pollIntervalMs: ms });
  }
  withGiveUpOn(test: (err: unknown) => boolean): WaitStrategy {
    return new PollingWait(this.attempt, { ...this.s, giveUpOn: test });
  }

  async waitUntilReady(process?: WatchedProcess): Promise<Readiness> {
    const deadline = Date.now() + this.s.startupTimeoutMs;
    let lastError: unknown;
    while (Date.now() < deadline) {
      if (process && (process.exitCode !== null || process.signalCode !== null)) {
        return { ready: false, reason: 'exited', exitCode: process.exitCode, signal: process.signalCode };
      }
      try {
        await this.attempt();
        return { ready: true };
      } catch (err) {
        lastError = err;
        if (this.s.giveUpOn(err)) return { ready: false, reason: 'gave-up', lastError };
        await sleep(this.s.pollIntervalMs);
      }
    }
    return { ready: false, reason: 'timeout', lastError };
  }
}

export const Wait = {
  /**
   * Ready = a fresh connection as `config` runs `sql` (default SELECT 1). Through PgBouncer this
   * proves the listener, the client login and the server login at once.
   */
  forQuery(config: ConnectionConfig, sql = 'SELECT 1'): WaitStrategy {
    return new PollingWait(async () => {
      const c = await connect(config, { sessionSettings: false, ignoreIdleErrors: true });
      try {
        await c.query(sql);
      } finally {
        await c.end().catch(() => {});
      }
    });
  },
  /** Ready = `check` resolves (it throws while not ready). */
  forCheck(check: () => Promise<void>): WaitStrategy {
    return new PollingWait(check);
  },
};

/** A login the server refused (SQLSTATE 28P01): waiting will not make the password right. */
export function isLoginRefused(err: unknown): boolean {
  return (err as { code?: unknown })?.code === '28P01' || /password authentication failed/.test((err as Error)?.message ?? '');
}
