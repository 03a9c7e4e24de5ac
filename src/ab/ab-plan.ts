import { randomInt } from 'node:crypto';
import { hash32, mulberry32 } from '../../seed/prng.js';
import type { LayoutName } from '../config/scenario-schema.js';

export type AbSideLabel = 'A' | 'B';

/** What one pair compares: A's windows on layout `a`, B's on layout `b` (the same layout unless the sides pick different ones). */
export interface AbSlot {
  id: string;
  a: LayoutName;
  b: LayoutName;
}

export interface PlannedWindow {
  /** Pair index, 0-based: both windows of a pair draw the same request stream. */
  pair: number;
  slot: AbSlot;
  side: AbSideLabel;
}

/**
 * The slots of two sides: the same layouts on both (one slot per layout), or one layout each (one
 * slot, A's layout against B's). Anything else has no pairing: null.
 */
export function abSlots(a: readonly LayoutName[], b: readonly LayoutName[]): AbSlot[] | null {
  if (a.length === 1 && b.length === 1 && a[0] !== b[0]) return [{ id: `${a[0]} vs ${b[0]}`, a: a[0]!, b: b[0]! }];
  if (a.length !== b.length || a.some((l, i) => l !== b[i])) return null;
  return a.map((l) => ({ id: l, a: l, b: l }));
}

/**
 * The window order: pair after pair; inside a pair the slots in a shuffled order (the seed's PRNG,
 * another order per pair) and each slot's two windows back to back, A first or B first alternating
 * from pair to pair (ABBA), starting with the side the seed picks. Equal window counts per side; a
 * drift over the run (a cache warming, a neighbour's load rising) falls on A first as often as on B first.
 * `seed` is the order's own seed (randomOrderSeed per run, not the data's): over runs either side
 * starts, so an effect of the first window (or of every odd one) cannot favour one side run after run.
 */
export function planWindows(slots: readonly AbSlot[], pairs: number, seed: number): PlannedWindow[] {
  const bFirst = mulberry32(hash32(seed, 0xab))() < 0.5;
  const out: PlannedWindow[] = [];
  for (let pair = 0; pair < pairs; pair++) {
    const order = [...slots];
    const rnd = mulberry32(hash32(seed, 0xab, pair));
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    const sides: AbSideLabel[] = (pair % 2 === 1) !== bFirst ? ['B', 'A'] : ['A', 'B'];
    for (const slot of order) for (const side of sides) out.push({ pair, slot, side });
  }
  return out;
}

/** A fresh order seed for a run (recorded in ab.json and printed, so `--order-seed` reproduces the order). */
export function randomOrderSeed(): number {
  return randomInt(0, 2 ** 32 - 1);
}
