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
function grouped(xs: readonly (readonly [string, number])[], unit: string): string {
  const by = new Map<number, string[]>();
  for (const [layout, n] of xs) by.set(n, [...(by.get(n) ?? []), layout]);
  return [...by].map(([n, ls]) => `${listOf(ls)} ${count(n)} ${unit}`).join('; ');
}

function probe(s: Summary): string | null {
  const probed = layoutEntries(s).filter(([, l]) => l.connections);
  if (!probed.length) return null;
  const c = probed[0]![1].connections!;
  return `Holding ${count(c.concurrency)} tenant sessions at once (${count(c.sessions)} sessions round robin over ${count(s.scenario.tenants)} tenants): ${grouped(
    probed.map(([n, l]) => [n, l.connections!.peakOpen] as const),
    'server connections at peak',
  )}.`;
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
  const each = rows.map(
    ([n, c]) =>
      `${n} opened ${count(c.opened)}, closed ${count(c.closed)}${c.evicted ? ` (${count(c.evicted)} evicted at its cap)` : ''}, at most ${count(c.peakOpen)} open`,
  );
  return `During the workload ${src.label}, ${count(users)} connections per pooled router, all repeats and warm-ups: ${each.join('; ')}.`;
}

export function connectionsVerdict(s: Summary): string | null {
  const parts = [probe(s), duringWorkload(s)].filter((x) => x !== null);
  return parts.length ? parts.join(' ') : notMeasured('neither the connections probe nor a workload ran');
}
