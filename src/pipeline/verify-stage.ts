/**
 * The isolation verifier as a stage of a run session: every probe against every seeded layout of
 * the session (connecting as the application does), the layout x probe table, isolation.csv and
 * summary.json `isolation`; a leak fails the run (exit 1). `selfTestStage` runs the probes against
 * deliberately broken variants instead and fails if one of them is not flagged.
 */
import { errorMessage } from '../errors.js';
import { writeCsv } from '../results/bundle.js';
import type { IsolationSummary } from '../results/isolation-schema.js';
import type { Summary } from '../results/summary-schema.js';
import { brokenVariant } from '../verify/broken-variants.js';
import { makeProbeEnv } from '../verify/probe-env.js';
import type { ProbeEnv } from '../verify/probe.js';
import { PROBES } from '../verify/probe-registry.js';
import { countOutcomes, runProbes } from '../verify/run-probes.js';
import type { ProbeResult } from '../verify/run-probes.js';
import { runSelfTest } from '../verify/self-test.js';
import { IsolationLeakError, VerifierBugError } from '../verify/verify-errors.js';
import { isolationSection } from '../report/isolation-section.js';
import { sectionLines } from '../report/terminal-section.js';
import type { RunSession } from './run-session.js';

function isolationOf(summary: Summary): IsolationSummary {
  summary.isolation ??= { layouts: {}, blocked: 0, leaked: 0, findings: 0, selfTest: null };
  return summary.isolation;
}

function retotal(iso: IsolationSummary): void {
  const all = Object.values(iso.layouts);
  iso.blocked = all.reduce((a, l) => a + l.blocked, 0);
  iso.leaked = all.reduce((a, l) => a + l.leaked, 0);
  iso.findings = all.reduce((a, l) => a + l.findings, 0);
}

/**
 * Test hook: TENANTBENCH_VERIFY_BREAK=<broken variant id> breaks that variant's layout in the
 * session after seeding (for example rls-bypassrls), so the tests can prove that a leak exits 1.
 */
export function breakHook() {
  const id = process.env.TENANTBENCH_VERIFY_BREAK;
  return id ? brokenVariant(id) : null;
}

export async function verifyStage(s: RunSession): Promise<IsolationSummary> {
  const iso = isolationOf(s.summary);
  s.writers.push(() => writeIsolationCsv(s));
  const broken = breakHook();
  for (const name of s.layouts) {
    if (s.summary.layouts[name]?.status !== 'ok') {
      iso.layouts[name] = {
        status: 'failed',
        reason: 'layout not seeded',
        self: null,
        victim: null,
        probes: [],
        blocked: 0,
        leaked: 0,
        findings: 0,
        notApplicable: 0,
      };
      continue;
    }
    let env: ProbeEnv | null = null;
    try {
      const overrides = broken?.layout === name ? await broken.apply(s.ctx) : {};
      env = makeProbeEnv(s.ctx, name, overrides);
      s.out(
        `verify ${name}: ${PROBES.length} probes as ${env.self.slug} against ${env.victim.slug}${env.crossVictim ? ` and ${env.crossVictim.slug}` : ''}`,
      );
      const probes = await runProbes(env);
      iso.layouts[name] = { status: 'ok', reason: null, self: env.self.slug, victim: env.victim.slug, probes, ...countOutcomes(probes) };
    } catch (err) {
      iso.layouts[name] = {
        status: 'failed',
        reason: errorMessage(err),
        self: env?.self.slug ?? null,
        victim: env?.victim.slug ?? null,
        probes: [],
        blocked: 0,
        leaked: 0,
        findings: 0,
        notApplicable: 0,
      };
    } finally {
      await env?.router.close();
      retotal(iso);
      s.flush();
    }
  }
  for (const l of isolationLines(s.summary)) s.out(l);
  const leaks = Object.entries(iso.layouts).flatMap(([l, r]) =>
    r.probes.filter((p) => p.outcome === 'leaked').map((p) => `${l}/${p.id}: ${p.observed.detail ?? JSON.stringify(p.observed)}`),
  );
  if (leaks.length) throw new IsolationLeakError(`${leaks.length} isolation leak(s):\n  ${leaks.join('\n  ')}`);
  const failed = Object.entries(iso.layouts).filter(([, r]) => r.status === 'failed');
  if (failed.length) throw new Error(`verify could not run on ${failed.map(([l, r]) => `${l} (${r.reason})`).join(', ')}`);
  return iso;
}

export async function selfTestStage(s: RunSession): Promise<IsolationSummary> {
  const iso = isolationOf(s.summary);
  s.writers.push(() => writeSelfTestCsv(s));
  iso.selfTest = await runSelfTest({
    target: s.target,
    serverVersionNum: s.env.server.versionNum,
    prefix: `${s.ctx.naming.prefix}v`,
    progress: (l) => s.out(l),
  });
  s.flush();
  const lines = ['| broken variant | layout | flagged | by |', '|---|---|---|---|'];
  for (const v of iso.selfTest.variants) {
    lines.push(
      `| ${v.id} | ${v.layout} | ${v.flagged ? 'yes' : 'NO: verifier bug'} | ${v.flaggedBy.map((f) => `${f.probe} (${f.outcome})`).join(', ') || '-'} |`,
    );
  }
  for (const l of lines) s.out(l);
  const passed = iso.selfTest.variants.filter((v) => !v.flagged);
  const leakyBaselines = iso.selfTest.baselines.filter((b) => b.leaked > 0);
  if (passed.length || leakyBaselines.length) {
    throw new VerifierBugError(
      [
        ...passed.map((v) => `verifier bug: broken variant ${v.id} (${v.description}) passed every probe`),
        ...leakyBaselines.map(
          (b) =>
            `verifier bug: the healthy ${b.layout} layout leaked (${b.probes
              .filter((p) => p.outcome === 'leaked')
              .map((p) => p.id)
              .join(', ')})`,
        ),
      ].join('\n'),
    );
  }
  return iso;
}

/** The report's isolation section, then the leaks and findings explained. */
function isolationLines(s: Summary): string[] {
  const iso = isolationOf(s);
  const lines = sectionLines(isolationSection(s));
  for (const [l, r] of Object.entries(iso.layouts)) {
    for (const p of r.probes.filter((x) => x.outcome === 'leaked' || x.outcome === 'finding')) {
      lines.push(`- ${l}/${p.id} ${p.outcome === 'leaked' ? 'LEAKED' : p.outcome}: ${p.observed.detail ?? JSON.stringify(p.observed)}`);
    }
  }
  return lines;
}

function csvRow(layout: string, p: ProbeResult) {
  return [
    layout,
    p.id,
    p.outcome,
    p.observed.rowsSeen ?? '',
    p.observed.rowsAffected ?? '',
    p.observed.sqlstate ?? '',
    p.expected,
    p.observed.detail ?? '',
    p.sql.join('\n'),
  ];
}
const CSV_HEADER = ['layout', 'probe', 'outcome', 'rows_seen', 'rows_affected', 'sqlstate', 'expected', 'detail', 'sql'];

function writeIsolationCsv(s: RunSession): void {
  const iso = s.summary.isolation;
  if (!iso) return;
  writeCsv(
    s.bundle,
    'isolation.csv',
    CSV_HEADER,
    Object.entries(iso.layouts).flatMap(([l, r]) => r.probes.map((p) => csvRow(l, p))),
  );
}

function writeSelfTestCsv(s: RunSession): void {
  const st = s.summary.isolation?.selfTest;
  if (!st) return;
  const rows = [
    ...st.baselines.flatMap((b) => b.probes.map((p) => ['healthy', ...csvRow(b.layout, p)])),
    ...st.variants.flatMap((v) => v.probes.map((p) => [v.id, ...csvRow(v.layout, p)])),
  ];
  writeCsv(s.bundle, 'isolation-self-test.csv', ['variant', ...CSV_HEADER], rows);
}
