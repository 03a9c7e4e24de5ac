import type { LayoutName } from '../config/scenario-schema.js';
import { DatabaseLayout } from './database/database-layout.js';
import { HybridLayout } from './hybrid/hybrid-layout.js';
import type { Layout } from './layout.js';
import { RlsLayout } from './rls/rls-layout.js';
import { SchemaLayout } from './schema/schema-layout.js';
import { SharedLayout } from './shared/shared-layout.js';

/** Layout name -> implementation. Adding a layout = one folder + one line here. */
export const LAYOUTS: Record<LayoutName, () => Layout> = {
  shared: () => new SharedLayout(),
  rls: () => new RlsLayout(),
  schema: () => new SchemaLayout(),
  database: () => new DatabaseLayout(),
  hybrid: () => new HybridLayout(),
};

export function layout(name: LayoutName): Layout {
  return LAYOUTS[name]();
}
