import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tailAttribution } from './tail-attribution.js';

const server = (p99Ms: number) => ({ cause: 'the server' as const, p99Ms, share: 1 });

describe('tail attribution', () => {
  it('names the phase whose P99 reaches half the response P99', () => {
    const c = [
      server(2),
      { cause: 'connecting' as const, p99Ms: 90, share: 0.03 },
      { cause: 'waiting for a connection' as const, p99Ms: 5, share: 0.2 },
    ];
    assert.equal(tailAttribution(100, c), 'connecting (P99 90.0 ms, 3.0% of requests)');
    assert.equal(tailAttribution(3, [server(2)]), 'the server (P99 2.0 ms)');
  });
  it('ignores phases too rare to fill the slowest 1%', () => {
    assert.equal(tailAttribution(4, [server(3), { cause: 'connecting', p99Ms: 90, share: 0.005 }]), 'the server (P99 3.0 ms)');
  });
  it('says when no single phase explains it, or nothing was measured', () => {
    assert.equal(tailAttribution(100, [server(20), { cause: 'waiting for a connection', p99Ms: 30, share: 0.5 }]), 'no single phase');
    assert.equal(tailAttribution(null, [server(1)]), 'not measured');
    assert.equal(tailAttribution(10, [{ cause: 'connecting', p99Ms: null, share: null }]), 'no single phase');
  });
});
