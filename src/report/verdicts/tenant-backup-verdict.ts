/**
 * Which layout backs up one tenant fastest: each layout's fastest single-tenant backup that was
 * restored and verified (a backup not verified is not a backup), the fastest against the next and
 * the slowest.
 */
import type { Summary } from '../../results/summary-schema.js';
import { notMeasured } from '../not-measured.js';
import { layoutEntries } from '../section.js';
import { listOf, sec, times } from './verdict-format.js';

interface Fastest {
  layout: string;
  seconds: number;
  method: string;
  tenant: string | null;
}

export function tenantBackupVerdict(s: Summary): string | null {
  const measured: Fastest[] = [];
  const missing: string[] = [];
  for (const [layout, l] of layoutEntries(s)) {
    const ok = (l.backup?.artifacts ?? []).filter((a) => a.scope === 'tenant' && a.status === 'ok' && a.seconds !== null);
    const best = ok.sort((a, b) => a.seconds! - b.seconds!)[0];
    if (best) measured.push({ layout, seconds: best.seconds!, method: best.method, tenant: best.tenant });
    else missing.push(layout);
  }
  if (!measured.length) return notMeasured('no verified single-tenant backup in this run (the backup operation did not run or none restored)');
  measured.sort((a, b) => a.seconds - b.seconds);
  const [first, second] = measured;
  const last = measured.at(-1)!;
  const of = (f: Fastest) => `${f.layout} ${sec(f.seconds)}`;
  const out = [
    `${first!.layout} backs up one tenant fastest: ${sec(first!.seconds)} (${first!.method}${first!.tenant ? ` of ${first!.tenant}` : ''}, restored and verified).`,
  ];
  if (second)
    out.push(
      `Next: ${of(second)} (${sec(second.seconds - first!.seconds)} or ${times(second.seconds, first!.seconds)} longer)` +
        (last !== second ? `; slowest: ${of(last)} (${times(last.seconds, first!.seconds)})` : '') +
        '.',
    );
  if (measured.length > 2) out.push(`In order: ${measured.map(of).join(', ')}.`);
  out.push('One timed backup per layout and method: no repeats, no interval.');
  if (missing.length) out.push(`${listOf(missing)}: ${notMeasured('no verified single-tenant backup')}.`);
  return out.join(' ');
}
