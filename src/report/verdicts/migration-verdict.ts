/**
 * What a migration across all tenants costs per layout: the wall clock to bring every unit (the
 * pooled tables once, or each tenant's schema or database) to the target version, and what the
 * workload saw while it ran when that was measured.
 */
import type { LayoutMigration } from '../../results/migration-schema.js';
import type { Summary } from '../../results/summary-schema.js';
import { notMeasured } from '../not-measured.js';
import { layoutEntries } from '../section.js';
import { count, listOf, sec, times } from './verdict-format.js';

function one(layout: string, m: LayoutMigration): string {
  if (m.status !== 'ok') return `${layout} failed (${count(m.unitsFailed)} of ${count(m.units)} units)`;
  const median = m.units > 1 && m.unitSeconds ? `, median ${sec(m.unitSeconds.median)} per unit` : '';
  const u = m.underLoad;
  const load =
    u.status === 'measured' && u.p99Ratio !== null
      ? `; under load (${u.mode} loop, ${u.users} users) the workload's P99 was ${times(u.p99Ratio, 1)} its quiet P99${u.valid ? '' : ' (invalid segment)'}`
      : '';
  return `${layout} ${sec(m.seconds)} (${count(m.units)} unit${m.units === 1 ? '' : 's'}${median}${load})`;
}

export function migrationVerdict(s: Summary): string | null {
  const ran = layoutEntries(s).filter(([, l]) => l.migration);
  if (!ran.length) return notMeasured('the migrate operation did not run');
  const first = ran[0]![1].migration!;
  const parts = ran.map(([layout, l]) => one(layout, l.migration!));
  const ok = ran.filter(([, l]) => l.migration!.status === 'ok').sort((a, b) => a[1].migration!.seconds - b[1].migration!.seconds);
  const out = [
    `Migrating every tenant (${count(first.migrations.length)} migration${first.migrations.length === 1 ? '' : 's'}, ${first.parallel} unit${first.parallel === 1 ? '' : 's'} at a time; a unit is the pooled tables once or one tenant's schema or database): ${parts.join('; ')}.`,
  ];
  if (ok.length > 1) {
    const [fast, slow] = [ok[0]!, ok.at(-1)!];
    out.push(
      `Fastest ${fast[0]}, slowest ${slow[0]} (${times(slow[1].migration!.seconds, fast[1].migration!.seconds)} as long); one timed run per layout: no repeats, no interval.`,
    );
  }
  const missing = layoutEntries(s)
    .filter(([, l]) => !l.migration)
    .map(([n]) => n);
  if (missing.length) out.push(`${listOf(missing)}: ${notMeasured('migration did not run')}.`);
  return out.join(' ');
}
