/**
 * The cache state each layout was measured in: warm or cold, the buffer hit ratio and bytes read
 * per measured window, the prewarm, and the windows flagged for a hit ratio unlike their siblings'.
 * Comparing layouts is only fair warm with warm (DESIGN: Measuring honestly).
 */
import type { Summary } from '../results/summary-schema.js';
import { MB, type Cell, type Section, sectionOf } from './section.js';
import { workloadLayouts } from './workload-section.js';
import { describeWarmUp } from '../measure/warm-until-stable.js';

const pct = (r: number | null) => (r === null ? null : `${(r * 100).toFixed(2)}%`);

export function cacheSection(s: Summary): Section | null {
  const layouts = workloadLayouts(s).filter(([, w]) => w.cache);
  if (!layouts.length) return null;
  const rows: Record<string, Cell>[] = [];
  const notes: string[] = [];
  const warmed = layouts.some(([, w]) => w.cache!.windows.some((x) => x.warmUp));
  for (const [name, w] of layouts) {
    const c = w.cache!;
    const p = c.prewarm;
    rows.push({
      layout: name,
      state: c.state ?? c.reason,
      hitRatio: pct(c.hitRatio),
      windows: c.windows.map((x) => `${x.repeat}: ${pct(x.hitRatio) ?? 'n/a'}`).join(', '),
      warmup: c.windows.map((x) => pct(x.warmupHitRatio) ?? 'n/a').join(', '),
      readMb: c.bytesRead / MB,
      prewarm: p
        ? p.mode === 'none'
          ? 'none'
          : `${p.mode}, ${(p.workingSetBytes ?? 0) / MB >= 1 ? `${((p.workingSetBytes ?? 0) / MB).toFixed(0)} MB` : '< 1 MB'}`
        : null,
      flagged: c.windows.filter((x) => x.flag).length,
      ...(warmed
        ? {
            warmUp: c.windows
              .map((x) =>
                x.warmUp
                  ? `${x.repeat}: ${x.warmUp.stable ? `${pct(x.warmUp.finalHitRatio)} after ${x.warmUp.windows}` : `not stable after ${x.warmUp.windows}`}`
                  : `${x.repeat}: none`,
              )
              .join(', '),
          }
        : {}),
    });
    if (p?.reason) notes.push(`${name}: ${p.reason}.`);
    for (const x of c.windows) {
      if (!x.warmUp) continue;
      const fits = p?.mode === 'buffer' ? '' : ' (the working set does not fit in shared_buffers: these windows are the warm-up)';
      notes.push(`${name}, repeat ${x.repeat}: warm: ${describeWarmUp(x.warmUp)}${fits}.`);
    }
    for (const x of c.windows.filter((x) => x.flag)) notes.push(`${name}, repeat ${x.repeat}: ${x.flag} (flagged, not invalid).`);
  }
  const states = new Set(layouts.map(([, w]) => w.cache!.state));
  const verdict =
    states.size === 1 && states.has('warm')
      ? 'Every layout was measured warm'
      : states.has('warm') && states.has('cold')
        ? 'Layouts were measured in different cache states (some warm, some cold): their latencies compare cache states as well as layouts'
        : 'The layouts were measured cold';
  return sectionOf([
    {
      id: 'cache',
      title: 'Cache state per layout',
      description: `${verdict}. Buffer hit ratio = blks_hit / (blks_hit + blks_read) of the layout's databases (pg_stat_database, differenced per measured window); warm = every valid window at least 99%. A read is a block not in shared_buffers: from the OS cache or the disk. Before each repeat the layout's tables and indexes are prewarmed with pg_prewarm when they fit (buffer: into shared_buffers; read: through the OS cache), then the warm-up runs.${warmed ? ' With workload.warmUntilStable, warm-up windows of the same workload ran before each segment until two successive windows were within the stated percentage points of hit ratio (bounded by a maximum number of windows).' : ''}`,
      columns: [
        { key: 'layout', label: 'layout' },
        { key: 'state', label: 'state' },
        { key: 'hitRatio', label: 'hit ratio' },
        { key: 'windows', label: 'per window (repeat: hit ratio)' },
        { key: 'warmup', label: 'warm-up hit ratio' },
        { key: 'readMb', label: 'read', unit: 'MB', digits: 1 },
        { key: 'prewarm', label: 'prewarm' },
        { key: 'flagged', label: 'flagged windows', digits: 0 },
        ...(warmed ? [{ key: 'warmUp', label: 'warm until stable (repeat: hit ratio after N warm-up windows)' }] : []),
      ],
      rows,
      notes,
    },
  ]);
}
