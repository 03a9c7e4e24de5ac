/**
 * Small, fast, deterministic PRNG helpers. Every stream of random values is seeded from
 * (scenario seed, tenant, table, row) so a tenant's rows never depend on generation order:
 * the same rows come out whether tenants are generated in sequence, in parallel or alone.
 */

/** mulberry32: 32-bit state, period 2^32, plenty for picking from pools. Returns [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Mix integers into one 32-bit seed (murmur3 finalizer per step). */
export function hash32(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const v of values) {
    h ^= Math.imul((v | 0) ^ Math.floor(v / 4294967296), 0xcc9e2d51);
    h = Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64;
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** Pick from weighted choices with a precomputed cumulative table. */
export function weightedPicker<T>(choices: ReadonlyArray<readonly [T, number]>): (r: number) => T {
  const total = choices.reduce((s, [, w]) => s + w, 0);
  const cumulative: number[] = [];
  let acc = 0;
  for (const [, w] of choices) {
    acc += w / total;
    cumulative.push(acc);
  }
  const values = choices.map(([v]) => v);
  return (r: number) => {
    for (let i = 0; i < cumulative.length; i++) if (r < cumulative[i]!) return values[i]!;
    return values[values.length - 1]!;
  };
}
