/**
 * Where a cost crosses its budget, from a sweep's measured points (tenant count -> cost): measured
 * when a step is already over the budget (the count interpolated linearly between the last step
 * under it and the first over it), else extrapolated from a least-squares line in N through every
 * measured point. Pure maths: the report marks which of the two each figure is.
 */
export interface Point {
  tenants: number;
  value: number;
}

export interface LinearFit {
  intercept: number;
  /** Cost per tenant. */
  slope: number;
  /** Coefficient of determination (null when every value is the same). */
  r2: number | null;
  points: number;
}

export type Crossing =
  /** A measured step is over the budget; `tenants` is interpolated between `below` and `above` (below null: the first step is already over). */
  | { kind: 'measured'; tenants: number; below: number | null; above: number }
  /** No measured step is over; the fitted line crosses the budget at `tenants`. */
  | { kind: 'extrapolated'; tenants: number; fit: LinearFit }
  /** No measured step is over and the line never crosses it (flat or falling), or too few points to fit. */
  | { kind: 'not reached'; reason: string; fit: LinearFit | null };

/** Least squares in N; null with fewer than two distinct tenant counts. */
export function fitLinear(points: readonly Point[]): LinearFit | null {
  const n = points.length;
  if (new Set(points.map((p) => p.tenants)).size < 2) return null;
  const mx = points.reduce((a, p) => a + p.tenants, 0) / n;
  const my = points.reduce((a, p) => a + p.value, 0) / n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  for (const p of points) {
    sxx += (p.tenants - mx) ** 2;
    sxy += (p.tenants - mx) * (p.value - my);
    syy += (p.value - my) ** 2;
  }
  const slope = sxy / sxx;
  return { intercept: my - slope * mx, slope, r2: syy === 0 ? null : (sxy * sxy) / (sxx * syy), points: n };
}

/** The fitted cost at `tenants`. */
export function extrapolate(fit: LinearFit, tenants: number): number {
  return fit.intercept + fit.slope * tenants;
}

/** The tenant count at which the cost first exceeds `budget` (rounded up to a whole tenant). */
export function crossing(points: readonly Point[], budget: number): Crossing {
  const sorted = [...points].sort((a, b) => a.tenants - b.tenants);
  const over = sorted.findIndex((p) => p.value > budget);
  if (over === 0) return { kind: 'measured', tenants: sorted[0]!.tenants, below: null, above: sorted[0]!.tenants };
  if (over > 0) {
    const a = sorted[over - 1]!;
    const b = sorted[over]!;
    const t = a.tenants + ((budget - a.value) * (b.tenants - a.tenants)) / (b.value - a.value);
    return { kind: 'measured', tenants: Math.min(b.tenants, Math.max(a.tenants + 1, Math.ceil(t))), below: a.tenants, above: b.tenants };
  }
  const fit = fitLinear(sorted);
  if (!fit) return { kind: 'not reached', reason: 'fewer than two measured steps', fit: null };
  if (fit.slope <= 0) return { kind: 'not reached', reason: 'the cost does not grow with the tenant count', fit };
  return { kind: 'extrapolated', tenants: Math.ceil((budget - fit.intercept) / fit.slope), fit };
}
