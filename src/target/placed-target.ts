/**
 * Several servers behind one Target. The primary (server 0) is what `admin`, `binaries` and any
 * database name the placement did not bind resolve to, so every layout and operation that only
 * knows "the target" keeps working on it. Tenant databases (and the scratch databases made next
 * to them: restores) are bound by name to the server the placement gives their tenant, so
 * `config(database)` connects to the right server with that server's admin role; code that creates
 * or drops databases and roles asks `serverOf(target, database)` / `serversOf(target)` explicitly.
 * Stopping stops every server it started, on every path (each embedded server also registered its
 * own cleanup and watchdog when it started).
 */
import createDebug from 'debug';
import { withClient } from '../db/client.js';
import type { ConnectionConfig, Credentials } from '../db/types.js';
import { errorMessage } from '../errors.js';
import { EmbeddedTarget } from './embedded-target.js';
import type { EmbeddedOptions } from './embedded-target.js';
import { assignServer } from './placement.js';
import type { PlacementRule, PlacementSpec } from './placement.js';
import type { ConnParams, Target } from './target.js';
import { UrlTarget } from './url-target.js';

const debug = createDebug('tenantbench:placement');

export interface PlacedServer {
  readonly name: string;
  readonly target: Target;
}

export class PlacedTarget implements Target {
  private readonly bound = new Map<string, number>();
  private stopped = false;

  private constructor(
    readonly servers: readonly PlacedServer[],
    readonly spec: PlacementSpec,
  ) {}

  get primary(): Target {
    return this.servers[0]!.target;
  }
  get kind() {
    return this.primary.kind;
  }
  get admin(): ConnParams {
    return this.primary.admin;
  }
  get binaries() {
    return this.primary.binaries;
  }
  get appliedSettings() {
    return this.primary.appliedSettings;
  }
  get rule(): PlacementRule {
    return this.spec.rule;
  }
  get description(): string {
    return `${this.servers.length} servers (primary ${this.servers[0]!.name}): ${this.servers.map((s) => `${s.name} = ${s.target.description}`).join('; ')}`;
  }

  /** Server index of a tenant (0 = primary). */
  serverIndexOfTenant(t: { index: number; slug: string }): number {
    return assignServer(this.spec, t);
  }

  /** Put `database` on server `index`: config(database) and serverOf() resolve to it from now on. */
  bind(database: string, index: number): void {
    if (!this.servers[index]) throw new Error(`no server ${index} (have ${this.servers.length})`);
    this.bound.set(database, index);
  }

  isBound(database: string): boolean {
    return this.bound.has(database);
  }

  serverIndexOf(database: string): number {
    return this.bound.get(database) ?? 0;
  }

  serverFor(database: string): Target {
    return this.servers[this.serverIndexOf(database)]!.target;
  }

  config(database: string, user?: Credentials): ConnectionConfig {
    return this.serverFor(database).config(database, user);
  }

  /** Start (embedded) or connect to (url) every server; on any failure, stop the ones started. */
  static async open(spec: PlacementSpec, embedded: EmbeddedOptions): Promise<PlacedTarget> {
    const servers: PlacedServer[] = [];
    try {
      for (const s of spec.servers) {
        // One at a time: each embedded server picks a free port once the previous one holds its own.
        const target =
          s.url === null
            ? await EmbeddedTarget.start({ ...embedded, dataDir: undefined, log: (l) => embedded.log?.(`${s.name}: ${l}`) })
            : await UrlTarget.open(s.url);
        servers.push({ name: s.name, target });
      }
    } catch (err) {
      for (const s of servers.reverse()) await s.target.stop().catch((e: unknown) => debug('stop %s: %s', s.name, errorMessage(e)));
      throw err;
    }
    return new PlacedTarget(servers, spec);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const errors: unknown[] = [];
    // Extra servers first, the primary last; every one is attempted even if another fails.
    for (const s of [...this.servers].reverse()) {
      try {
        await s.target.stop();
      } catch (err) {
        errors.push(err);
      }
    }
    if (errors.length) throw errors[0];
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
  }
}

/** The server holding `database` (the target itself when there is one server). */
export function serverOf(target: Target, database: string): Target {
  return target instanceof PlacedTarget ? target.serverFor(database) : target;
}

/** Index of the server holding `database` (0 with one server). */
export function serverIndexOf(target: Target, database: string): number {
  return target instanceof PlacedTarget ? target.serverIndexOf(database) : 0;
}

/** Every server of the target, primary first. */
export function serversOf(target: Target): Target[] {
  return target instanceof PlacedTarget ? target.servers.map((s) => s.target) : [target];
}

/** Put `database` on the same server as `near` (a restore next to its source). No-op with one server. */
export function bindNear(target: Target, database: string, near: string): void {
  if (target instanceof PlacedTarget) target.bind(database, target.serverIndexOf(near));
}

/** Server version string and number of one server (for the placement record). */
export async function serverVersion(target: Target): Promise<{ version: string; versionNum: number }> {
  return withClient(target.config(target.admin.database), async (c) => {
    const r = await c.query<{ v: string; n: string }>(
      "SELECT current_setting('server_version') AS v, current_setting('server_version_num') AS n",
    );
    return { version: r.rows[0]!.v, versionNum: Number(r.rows[0]!.n) };
  });
}
