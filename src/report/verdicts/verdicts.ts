/**
 * The design questions the report answers first, each with the pure function that writes its
 * verdict from the summary's numbers. Adding a question = one file + one line here.
 */
import type { Summary } from '../../results/summary-schema.js';
import { capacityVerdict } from './capacity-verdict.js';
import { connectionsVerdict } from './connections-verdict.js';
import { migrationVerdict } from './migration-verdict.js';
import { rlsCostVerdict } from './rls-cost-verdict.js';
import { tenantBackupVerdict } from './tenant-backup-verdict.js';

export interface Question {
  question: string;
  /** The verdict from the numbers, "not measured: <reason>" without them, null when the question does not apply to the run. */
  verdict: (s: Summary) => string | null;
}

export const QUESTIONS: readonly Question[] = [
  { question: 'What does RLS cost on the join?', verdict: rlsCostVerdict },
  { question: 'Which layout backs up one tenant fastest?', verdict: tenantBackupVerdict },
  { question: 'What does a migration across all tenants cost?', verdict: migrationVerdict },
  { question: 'How many connections does each layout need?', verdict: connectionsVerdict },
  { question: 'What is each layout’s capacity, and what bounds it?', verdict: capacityVerdict },
];
