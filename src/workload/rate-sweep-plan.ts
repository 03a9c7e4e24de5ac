import type { ResolvedRateSweep } from '../config/rate-sweep-schema.js';
import type { CapacityStep } from '../results/capacity-schema.js';
import { bisect, capacityOf } from './capacity-verdict.js';

type Judged = Pick<CapacityStep, 'ratePerS' | 'meets' | 'invalidReasons'>;

/**
 * Which rate a layout runs next. Sweep phase: the configured rates in ascending order until
 * `stopAfterMisses` steps missed or the rates run out. A step that was invalid (the generator could
 * not keep up, requests did not finish) is tried once more at the same rate; invalid twice ends the
 * sweep there: higher rates would only overload the generator more. Then, with `refine` > 0 and a
 * pass below a miss, bisection between the last passing and the first missed rate (an invalid
 * refinement step ends it). Pure: the stage measures, the cursor decides.
 */
export class SweepCursor {
  readonly steps: Judged[] = [];
  private index = 0;
  private misses = 0;
  private retried = false;
  private phase: 'sweep' | 'refine' | 'done' = 'sweep';
  private refineLeft: number;

  constructor(private readonly sweep: Pick<ResolvedRateSweep, 'rates' | 'stopAfterMisses' | 'refine'>) {
    this.refineLeft = sweep.refine;
  }

  /** The next step to measure, or null when this layout's sweep is over. */
  next(): { ratePerS: number; phase: 'sweep' | 'refine' } | null {
    if (this.phase === 'sweep') return { ratePerS: this.sweep.rates[this.index]!, phase: 'sweep' };
    if (this.phase === 'refine') {
      const c = capacityOf(this.steps);
      const mid = c.kind === 'measured' ? bisect(c.ratePerS!, c.firstMissPerS!) : null;
      if (mid !== null && this.refineLeft > 0) return { ratePerS: mid, phase: 'refine' };
      this.phase = 'done';
    }
    return null;
  }

  record(step: Judged): void {
    this.steps.push(step);
    if (this.phase === 'refine') {
      this.refineLeft--;
      if (step.meets === null) this.phase = 'done';
      return;
    }
    if (this.phase !== 'sweep') return;
    if (step.meets === null) {
      if (this.retried) this.phase = 'done';
      this.retried = true;
      return;
    }
    this.retried = false;
    if (!step.meets) this.misses++;
    this.index++;
    if (this.misses >= this.sweep.stopAfterMisses || this.index >= this.sweep.rates.length)
      this.phase = this.sweep.refine > 0 ? 'refine' : 'done';
  }
}
