import type { RunSession } from '../../pipeline/run-session.js';
import { connectionsProbe } from './connections-probe.js';
import type { ConnectionsOptions } from './connections-probe.js';

export async function connectionsStage(s: RunSession, opts: ConnectionsOptions = {}): Promise<void> {
  for (const name of s.layouts) {
    const c = await connectionsProbe(name, s.ctx, opts);
    s.summary.layouts[name]!.connections = c;
    s.flush();
    s.out(
      `${name}: connections at concurrency ${c.concurrency}: peak ${c.peakOpen} open (server saw ${c.serverBackends ?? 'n/a'}), ${c.opened} opened, ${c.waits} waits over ${c.sessions} sessions`,
    );
  }
}
