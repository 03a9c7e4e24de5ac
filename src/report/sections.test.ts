import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { packageRoot } from '../paths.js';
import { capacitySection } from './capacity-section.js';
import { loadResults } from './load-results.js';
import { notMeasured, reasonFor } from './not-measured.js';
import { placementSection } from './placement-section.js';
import { poolerSection } from './pooler-section.js';
import { buildReportModel } from './report-model.js';
import { SECTIONS } from './sections.js';
import { tenantSweepSection } from './tenant-sweep-section.js';
import { sectionLines } from './terminal-section.js';

const smoke = () => loadResults(join(packageRoot(), 'tests', 'fixtures', 'smoke-run'));

describe('not measured', () => {
  it('says "not measured: <reason>" once, even when the recorded reason already says it', () => {
    assert.equal(notMeasured('sizes not collected'), 'not measured: sizes not collected');
    assert.equal(notMeasured('not measured: --skip-run'), 'not measured: --skip-run');
  });

  it("names a layout's failure or that it did not run before the missing part", () => {
    assert.equal(reasonFor({ status: 'failed', reason: 'boom' }, 'x'), 'not measured: layout failed (boom)');
    assert.equal(reasonFor({ status: 'failed', reason: null }, 'x'), 'not measured: layout failed (no reason recorded)');
    assert.equal(reasonFor({ status: 'not-run', reason: null }, 'x'), 'not measured: layout did not run');
    assert.equal(reasonFor({ status: 'ok', reason: null }, 'sizes not collected'), 'not measured: sizes not collected');
  });
});

describe('report sections', () => {
  it('builds the model from the ordered sections: tables in report order, the overview charts last', () => {
    const m = buildReportModel(smoke());
    assert.deepEqual(
      m.tables.map((t) => t.id),
      [
        'main',
        'verdicts',
        'workload',
        'seed',
        'sizes',
        'migration',
        'backup',
        'connections',
        'extraction',
        'dataset',
        'isolation',
        'isolation-findings',
        'environment',
      ],
    );
    assert.deepEqual(
      m.charts.map((c) => c.id),
      ['headline-intervals', 'latency-percentiles', 'latency-over-time', 'latency', 'migration-time', 'backup-time', 'seed-time', 'sizes'],
    );
    assert.equal(new Set(m.tables.map((t) => t.id)).size, m.tables.length, 'table ids are unique (one CSV each)');
  });

  it('gives no section for what the run did not do', () => {
    const s = smoke().summary;
    for (const build of [tenantSweepSection, capacitySection, poolerSection, placementSection]) assert.equal(build(s), null, build.name);
    assert.equal(SECTIONS.length, new Set(SECTIONS).size);
  });

  it('prints a section on the terminal as the Markdown table of the report, then its notes', () => {
    const m = buildReportModel(smoke());
    const dataset = m.tables.find((t) => t.id === 'dataset')!;
    const lines = sectionLines({ tables: [dataset], charts: [] });
    assert.equal(lines[0], '| layout | rows | dataset checksum | matches the others |');
    assert.equal(lines[1], '|---|---:|---|---|');
    assert.match(lines.at(-1)!, /^- Identical across /);
    assert.deepEqual(sectionLines({ tables: [dataset], charts: [] }, ['other']), []);
    assert.deepEqual(sectionLines(null), []);
  });
});
