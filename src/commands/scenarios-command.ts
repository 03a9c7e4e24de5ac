import type { Command } from 'commander';
import { listScenarioNames, loadScenario } from '../config/load-scenario.js';

export function registerScenarios(program: Command): void {
  program
    .command('scenarios')
    .description('List the scenarios in scenarios/ with their tenants, rows, size distribution and layouts (validating each)')
    .action(() => {
      const names = listScenarioNames();
      const width = Math.max(16, ...names.map((n) => n.length));
      for (const name of names) {
        const s = loadScenario(name);
        process.stdout.write(
          `${name.padEnd(width)} ${String(s.tenants).padStart(6)} tenants ${s.rows.toLocaleString('en-US').padStart(14)} rows  ${s.sizes.kind.padEnd(10)} ${s.layouts.join(',')}  ${s.description}\n`,
        );
      }
    });
}
