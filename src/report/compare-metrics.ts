/**
 * The metrics `compare` knows, each with how to read it from a results bundle. Adding one = one
 * entry.
 */
import type { MetricDef } from './comparison-row.js';
import { CAPACITY_METRIC } from './capacity-compare.js';

const spreadOf = (sp: { min: number | null; max: number | null }) =>
  sp.min !== null && sp.max !== null ? { min: sp.min, max: sp.max } : undefined;

export const METRICS: MetricDef[] = [
  ...(['p50', 'p99'] as const).map(
    (p): MetricDef => ({
      id: `${p}-all`,
      label: `${p.toUpperCase()} all queries`,
      unit: 'ms',
      threshold: p,
      better: 'lower',
      value: (r, l) => {
        const a = r.summary.workload?.layouts[l]?.all;
        const v = a?.[`${p}Ms`];
        const logSe = a?.intervals?.[`${p}Ms`]?.logSe;
        return a?.valid && v !== null && v !== undefined
          ? { value: v, spread: spreadOf(a.spread[`${p}Ms`]), ...(logSe === undefined ? {} : { logSe }) }
          : null;
      },
    }),
  ),
  {
    id: 'throughput-all',
    label: 'throughput all queries',
    unit: 'req/s',
    threshold: 'throughput',
    better: 'higher',
    value: (r, l) => {
      const a = r.summary.workload?.layouts[l]?.all;
      return a?.valid && a.throughputPerS !== null ? { value: a.throughputPerS, spread: spreadOf(a.spread.throughputPerS) } : null;
    },
  },
  {
    id: 'migration-seconds',
    label: 'migration',
    unit: 's',
    threshold: 'migration',
    better: 'lower',
    value: (r, l) => {
      const m = r.summary.layouts[l]?.migration;
      return m && m.status === 'ok' ? { value: m.seconds } : null;
    },
  },
  {
    id: 'full-backup-seconds',
    label: 'full backup',
    unit: 's',
    threshold: 'backup',
    better: 'lower',
    value: (r, l) => {
      const a = r.summary.layouts[l]?.backup?.artifacts.find((x) => x.scope === 'full' && x.method.includes('-Fc') && x.status === 'ok');
      return a && a.seconds !== null ? { value: a.seconds } : null;
    },
  },
  {
    id: 'seed-seconds',
    label: 'seed time',
    unit: 's',
    threshold: 'seed',
    better: 'lower',
    value: (r, l) => {
      const s = r.summary.layouts[l]?.seed;
      return s ? { value: s.seconds.total } : null;
    },
  },
  {
    id: 'index-bytes',
    label: 'index size',
    unit: 'MB',
    threshold: 'size',
    better: 'lower',
    value: (r, l) => {
      const s = r.summary.layouts[l]?.sizes;
      return s ? { value: s.indexBytes / 1048576 } : null;
    },
  },
  {
    id: 'database-bytes',
    label: 'database size',
    unit: 'MB',
    threshold: 'size',
    better: 'lower',
    value: (r, l) => {
      const s = r.summary.layouts[l]?.sizes;
      return s ? { value: s.databaseBytes / 1048576 } : null;
    },
  },
  CAPACITY_METRIC,
];
