/**
 * The report's sections in the order they appear. Markdown, HTML, CSV and the terminal render
 * these and nothing else. Adding a section = one file + one line here.
 */
import { backupSection } from './backup-section.js';
import { cacheSection } from './cache-section.js';
import { capacitySection } from './capacity-section.js';
import { connectionsSection } from './connections-section.js';
import { datasetSection } from './dataset-section.js';
import { environmentSection } from './environment-section.js';
import { extractionSection } from './extraction-section.js';
import { headlineSection } from './headline-section.js';
import { httpSection } from './http-section.js';
import { isolationSection } from './isolation-section.js';
import { mainSection } from './main-section.js';
import { migrationSection } from './migration-section.js';
import { noisyNeighbourSection } from './noisy-neighbour-section.js';
import { placementSection } from './placement-section.js';
import { policyFormsSection } from './policy-forms-section.js';
import { poolerSection } from './pooler-section.js';
import { referenceSection } from './reference-section.js';
import type { SectionBuilder } from './section.js';
import { seedSection, seedTimeChart } from './seed-section.js';
import { sizesChart, sizesSection } from './sizes-section.js';
import { stageTimingsSection } from './stage-timings-section.js';
import { tenantSweepSection } from './tenant-sweep-section.js';
import { verdictsSection } from './verdicts-section.js';
import { workloadPhasesSection } from './workload-phases-section.js';
import { workloadSection } from './workload-section.js';

export const SECTIONS: readonly SectionBuilder[] = [
  // A sweep run has no single run at one tenant count: its tables come first.
  tenantSweepSection,
  mainSection,
  // The first screen: the main table, the verdicts and the headline's charts.
  verdictsSection,
  headlineSection,
  capacitySection,
  policyFormsSection,
  workloadSection,
  workloadPhasesSection,
  cacheSection,
  referenceSection,
  noisyNeighbourSection,
  httpSection,
  seedSection,
  sizesSection,
  migrationSection,
  backupSection,
  connectionsSection,
  extractionSection,
  poolerSection,
  datasetSection,
  isolationSection,
  placementSection,
  environmentSection,
  stageTimingsSection,
  // The overview charts close the charts part.
  seedTimeChart,
  sizesChart,
];
