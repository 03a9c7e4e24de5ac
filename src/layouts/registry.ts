import { DatabaseLayout } from './database/database-layout.js';
import { HybridLayout } from './hybrid/hybrid-layout.js';
import type { Layout } from './layout.js';
import { addLayoutName, layoutNames, type LAYOUT_NAMES, removeLayoutName } from './layout-names.js';
import type { LayoutName } from './layout-names.js';
import { RlsLayout } from './rls/rls-layout.js';
import { SchemaLayout } from './schema/schema-layout.js';
import { SharedLayout } from './shared/shared-layout.js';

/** Layout name -> implementation. Adding a layout = one folder + one line here (or registerLayout). */
const BUILT_IN: Record<(typeof LAYOUT_NAMES)[number], () => Layout> = {
  shared: () => new SharedLayout(),
  rls: () => new RlsLayout(),
  schema: () => new SchemaLayout(),
  database: () => new DatabaseLayout(),
  hybrid: () => new HybridLayout(),
};

const LAYOUTS = new Map<string, () => Layout>(Object.entries(BUILT_IN));

export function layout(name: LayoutName): Layout {
  const make = LAYOUTS.get(name);
  if (!make) throw new Error(`unknown layout "${name}"; known: ${layoutNames().join(', ')}`);
  return make();
}

/**
 * Registers a layout at run time (a test-only layout, a plugin): from then on scenarios may name
 * it and every stage reaches it through `layout(name)`. Returns its name; `unregister` removes it.
 */
export function registerLayout(name: string, make: (name: LayoutName) => Layout): { name: LayoutName; unregister(): void } {
  const n = addLayoutName(name);
  LAYOUTS.set(n, () => make(n));
  return {
    name: n,
    unregister: () => {
      LAYOUTS.delete(n);
      removeLayoutName(n);
    },
  };
}
