/** Where the run's time went: each stage of the command, its start and wall-clock seconds (summary.stages). */
import type { Summary } from '../results/summary-schema.js';
import { sectionOf } from './section.js';
import type { Section, Table } from './section.js';

export function stageTimingsSection(s: Summary): Section | null {
  const stages = s.stages;
  if (!stages?.length) return null;
  const total = stages.reduce((a, st) => a + (st.seconds ?? 0), 0);
  const t: Table = {
    id: 'stages',
    title: 'Stage timings',
    description: 'Wall clock per stage of this run (starting and stopping the server are outside the stages).',
    columns: [
      { key: 'stage', label: 'stage' },
      { key: 'status', label: 'status' },
      { key: 'startedAt', label: 'started (UTC)' },
      { key: 'seconds', label: 'time', unit: 's', digits: 1 },
      { key: 'share', label: 'share', unit: '%', digits: 0 },
    ],
    rows: stages.map((st) => ({
      stage: st.id,
      status: st.status === 'skipped' ? `skipped (${st.skip ?? 'no reason recorded'})` : st.status,
      startedAt: st.startedAt,
      seconds: st.seconds,
      share: st.seconds !== null && total > 0 ? (100 * st.seconds) / total : null,
    })),
    notes: [`All stages: ${(total / 60).toFixed(1)} min; the whole run (with the server's start and stop): ${runMinutes(s)}.`],
  };
  return sectionOf([t]);
}

function runMinutes(s: Summary): string {
  if (!s.finishedAt) return 'not finished';
  return `${((Date.parse(s.finishedAt) - Date.parse(s.startedAt)) / 60_000).toFixed(1)} min`;
}
