/**
 * Which layout backs up one tenant fastest: the same tenant in every layout (the one backed up in
 * the most layouts), each layout's fastest backup of it that was restored and verified (a backup
 * not verified is not a backup), the fastest against the next and the slowest.
 */
import type { BackupArtifact } from '../../results/backup-schema.js';
import type { Summary } from '../../results/summary-schema.js';
import { notMeasured } from '../not-measured.js';
import { layoutEntries } from '../section.js';
import { listOf, sec, times } from './verdict-format.js';

type Verified = BackupArtifact & { seconds: number; tenant: string };

const verified = (a: BackupArtifact): a is Verified => a.scope === 'tenant' && a.status === 'ok' && a.seconds !== null && a.tenant !== null;

export function tenantBackupVerdict(s: Summary): string | null {
  const byLayout = layoutEntries(s).map(([layout, l]) => [layout, (l.backup?.artifacts ?? []).filter(verified)] as const);
  const tenants = new Map<string, number>();
  for (const [, xs] of byLayout) for (const t of new Set(xs.map((a) => a.tenant))) tenants.set(t, (tenants.get(t) ?? 0) + 1);
  // The tenant most layouts backed up; ties: the first recorded (the main table's).
  const tenant = [...tenants].sort((a, b) => b[1] - a[1])[0]?.[0];
  if (!tenant) return notMeasured('no verified single-tenant backup in this run (the backup operation did not run or nothing restored)');
  const measured: { layout: string; a: Verified }[] = [];
  const missing: string[] = [];
  for (const [layout, xs] of byLayout) {
    const best = xs.filter((a) => a.tenant === tenant).sort((a, b) => a.seconds - b.seconds)[0];
    if (best) measured.push({ layout, a: best });
    else missing.push(layout);
  }
  measured.sort((x, y) => x.a.seconds - y.a.seconds);
  const [first, second] = measured as [(typeof measured)[number], ...(typeof measured)[number][]];
  const last = measured.at(-1)!;
  const of = (x: (typeof measured)[number]) => `${x.layout} ${sec(x.a.seconds)}`;
  const out = [`Tenant ${tenant}, restored and verified: ${first.layout} is fastest, ${sec(first.a.seconds)} (${first.a.method}).`];
  if (second) {
    out.push(
      `Next: ${of(second)} (${times(second.a.seconds, first.a.seconds)} as long)` +
        (last !== second ? `; slowest: ${of(last)} (${times(last.a.seconds, first.a.seconds)}, ${last.a.method})` : '') +
        '.',
    );
    if (measured.length > 3) out.push(`All: ${measured.map(of).join(', ')}.`);
  }
  out.push('One timed backup per layout and method: no repeats, no interval.');
  if (missing.length) out.push(`${listOf(missing)}: ${notMeasured(`no verified backup of ${tenant}`)}.`);
  return out.join(' ');
}
