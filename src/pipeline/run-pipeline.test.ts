import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { HarnessError, InterruptedError, PartialFailureError, UsageError, exitCodeOf } from '../errors.js';
import { runStages } from './run-pipeline.js';
import type { RunSession } from './run-session.js';
import { skipped } from './stage.js';
import type { Stage } from './stage.js';

const session = {} as RunSession;

function recorder() {
  const ran: string[] = [];
  const stage = (id: string, fail?: Error): Stage => ({
    id,
    run: async () => {
      ran.push(id);
      if (fail) throw fail;
    },
  });
  return { ran, stage };
}

describe('runStages', () => {
  it('runs the stages in order and leaves out the skipped ones', async () => {
    const { ran, stage } = recorder();
    await runStages(session, [stage('seed'), ...skipped('--skip-run', [stage('run'), stage('rate-sweep')]), stage('verify')]);
    assert.deepEqual(ran, ['seed', 'verify']);
    assert.deepEqual(
      skipped(false, [stage('x')]).map((s) => s.skip),
      [undefined],
    );
  });

  it('stops at the first failure', async () => {
    const { ran, stage } = recorder();
    const boom = new Error('database gone');
    await assert.rejects(runStages(session, [stage('seed'), stage('run', boom), stage('verify')]), (err) => err === boom);
    assert.deepEqual(ran, ['seed', 'run']);
  });

  it('runs on after a partial failure and throws the first one at the end', async () => {
    const { ran, stage } = recorder();
    const migrate = new PartialFailureError('t0002 failed its migration');
    const backup = new PartialFailureError('a backup did not verify');
    await assert.rejects(
      runStages(session, [stage('migrate', migrate), stage('backup', backup), stage('sizes')]),
      (err) => err === migrate,
    );
    assert.deepEqual(ran, ['migrate', 'backup', 'sizes']);
  });
});

describe('stage timings', () => {
  it('records each stage in summary.stages (start, seconds, status) and prints an ETA line before each', async () => {
    const lines: string[] = [];
    const summary = {} as RunSession['summary'];
    const s = { summary, out: (l: string) => lines.push(l), flush() {} } as unknown as RunSession;
    const { stage } = recorder();
    await runStages(s, [stage('seed'), ...skipped('--skip-run', [stage('run')]), stage('verify')]);
    assert.deepEqual(
      summary.stages!.map((x) => [x.id, x.status, x.skip]),
      [
        ['seed', 'ok', null],
        ['run', 'skipped', '--skip-run'],
        ['verify', 'ok', null],
      ],
    );
    assert.ok(summary.stages![0]!.seconds! >= 0 && summary.stages![0]!.startedAt);
    assert.equal(summary.stages![1]!.seconds, null);
    assert.equal(lines.length, 2);
    assert.match(lines[1]!, /^stage 3\/3 verify: .* so far, about .* left \(estimated: ETA .* in all\)$/);
  });
});

describe('exit codes', () => {
  it('come from the error: 2 bad input, 130/143 interrupted, 1 a failed run or anything else', () => {
    assert.equal(exitCodeOf(new UsageError('bad', 'tenants')), 2);
    assert.equal(exitCodeOf(new InterruptedError('SIGINT')), 130);
    assert.equal(exitCodeOf(new InterruptedError('SIGTERM')), 143);
    assert.equal(exitCodeOf(new PartialFailureError('x')), 1);
    assert.equal(exitCodeOf(new Error('x')), 1);
    assert.equal(exitCodeOf('x'), 1);
    class LeakError extends HarnessError {}
    const e = new LeakError('leak');
    assert.equal(e.name, 'LeakError');
    assert.equal(exitCodeOf(e), 1);
  });
});
