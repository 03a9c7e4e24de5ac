import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { pollQuery } from './poll-query.js';

describe('pollQuery', () => {
  it('samples at once, then every interval, until stop(); the sample in flight still counts', async () => {
    let started = 0;
    let done = 0;
    const p = pollQuery(async () => {
      started++;
      await sleep(2);
      done++;
    }, 5);
    assert.equal(started, 1, 'the first sample starts synchronously');
    await sleep(60);
    assert.equal(await p.stop(), null);
    assert.ok(done >= 3, `${done} samples in 60 ms at a 5 ms interval`);
    assert.equal(done, started, 'every started sample completed');
    const after = done;
    await sleep(20);
    assert.equal(done, after, 'no sample after stop()');
  });

  it('end() stops the loop without waiting; stop() afterwards resolves', async () => {
    let n = 0;
    const p = pollQuery(async () => {
      n++;
    }, 1);
    p.end();
    assert.equal(await p.stop(), null);
    assert.equal(n, 1);
  });

  it('a sample that throws stops the loop, and stop() gives its error', async () => {
    let n = 0;
    const boom = new Error('connection lost');
    const p = pollQuery(async () => {
      n++;
      if (n === 2) throw boom;
    }, 1);
    await sleep(30);
    assert.deepEqual(await p.stop(), { error: boom });
    assert.equal(n, 2, 'no sample after the failure');
  });
});
