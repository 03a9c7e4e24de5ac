/**
 * `npm run schema`: write the JSON Schema of summary.json (workload section included) to
 * results/summary.schema.json, the copy kept in the repository. A test fails if it is stale.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../paths.js';
import { summaryJsonSchema } from './summary-schema.js';

export const SCHEMA_FILE = join(packageRoot(), 'results', 'summary.schema.json');

export function schemaText(): string {
  return `${JSON.stringify(summaryJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  writeFileSync(SCHEMA_FILE, schemaText());
  process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
}
