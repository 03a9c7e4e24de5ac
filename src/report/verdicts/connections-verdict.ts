/**
 * Connections each layout needs: the server connections its router held at peak to serve every
 * tenant at a fixed concurrency (the connections probe), and what the router opened, closed and
 * held during the workload (the highest headline rate, or the workload).
 */
import type { Summary } from '../../results/summary-schema.js';
import { notMeasured } from '../not-measured.js';
import { layoutEntries } from '../section.js';
import { latencySources } from './latency-sources.js';
import { count, listOf } from './verdict-format.js';

/** "shared, rls and schema 8; database 13": layouts with the same figure together, in layout order. */
function grouped(xs: readonly (readonly [string, string])[]): string {
  const by = new Map<string, string[]>();
  for (const [layout, text] of xs) by.set(text, [...(by.get(text) ?? []), layout]);
  return [...by].map(([text, ls]) => `${listOf(ls)} ${text}`).join('; ');
}

function probe(s: Summary): string | null {
  const probed = layoutEntries(s).filter(([, l]) => l.connections);
  if (!probed.length) return null;
  const c = probed[0]![1].connections!;
  const peaks = grouped(probed.map(([n, l]) => [n, count(l.connections!.peakOpen)] as const));
  return `Server connections at peak to hold ${count(c.concurrency)} tenant sessions at once (${count(c.sessions)} sessions round robin over ${count(s.scenario.tenants)} tenants): ${peaks}.`;
}

function duringWorkload(s: Summary): string | null {
  const src = latencySources(s).at(-1);
  if (!src) return null;
  const rows = layoutEntries(s).flatMap(([n]) => {
    const c = src.workload.layouts[n]?.connections;
    return c ? [[n, c] as const] : [];
  });
  if (!rows.length) return null;
  const users = src.workload.config.users;
  const each = grouped(
    rows.map(
      ([n, c]) =>
        [
          n,
          `opened ${count(c.opened)}, closed ${count(c.closed)}${c.evicted ? ` (${count(c.evicted)} evicted at the cap)` : ''}, at most ${count(c.peakOpen)} open`,
        ] as const,
    ),
  );
  return `During the workload (${src.condition}; ${count(users)} connections per pooled router; all repeats and warm-ups), the routers: ${each}.`;
}

export function connectionsVerdict(s: Summary): string | null {
  const parts = [probe(s), duringWorkload(s)].filter((x) => x !== null);
  return parts.length ? parts.join(' ') : notMeasured('neither the connections probe nor a workload ran');
}
