/**
 * The first screen after the main table: one verdict per design question, written from the measured
 * numbers (verdicts/), then the headline chart with its intervals, the percentile distribution and
 * latency over time, shown right after the verdicts.
 */
import type { Summary } from '../results/summary-schema.js';
import { headlineChart } from './headline-chart.js';
import { latencyOverTimeChart } from './latency-over-time-chart.js';
import type { BundleFiles } from './load-intervals.js';
import type { EnvironmentFile } from './load-results.js';
import { percentileChart } from './percentile-chart.js';
import type { Section } from './section.js';
import { QUESTIONS } from './verdicts/verdicts.js';

export function verdictsSection(s: Summary, _env?: EnvironmentFile | null, files?: BundleFiles): Section | null {
  const rows = QUESTIONS.flatMap(({ question, verdict }) => {
    const v = verdict(s);
    return v === null ? [] : [{ question, verdict: v }];
  });
  const charts = [headlineChart(s), percentileChart(s), latencyOverTimeChart(s, files?.intervals)].filter((c) => c !== null);
  if (!rows.length) return charts.length ? { tables: [], charts } : null;
  return {
    tables: [
      {
        id: 'verdicts',
        title: 'Verdicts',
        description:
          'One answer per design question, written from the figures of this run only (every number below is in the tables further down); "not measured" says what the run did not measure and why.',
        columns: [
          { key: 'question', label: 'question' },
          { key: 'verdict', label: 'verdict' },
        ],
        rows,
        notes: [],
        display: 'paragraphs',
      },
    ],
    charts,
  };
}
