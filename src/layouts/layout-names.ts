/**
 * The valid layout names: the five built into the harness, then any registered at run time
 * (`registerLayout` in registry.ts, e.g. a test-only layout). No imports, so the scenario schema
 * can validate names without loading the layouts.
 */

/** The built-in isolation strategies. The registry maps each name to its folder. */
export const LAYOUT_NAMES = ['shared', 'rls', 'schema', 'database', 'hybrid'] as const;

/**
 * A layout's name. The type lists the built-ins; a layout registered at run time is addressed by
 * the (string) name `registerLayout` returns, typed as a LayoutName.
 */
export type LayoutName = (typeof LAYOUT_NAMES)[number];

const registered: string[] = [];

/** Every valid name: the built-ins in their order, then registered layouts in registration order. */
export function layoutNames(): readonly LayoutName[] {
  return [...LAYOUT_NAMES, ...(registered as LayoutName[])];
}

export function isLayoutName(v: unknown): v is LayoutName {
  return typeof v === 'string' && ((LAYOUT_NAMES as readonly string[]).includes(v) || registered.includes(v));
}

/** Adds a name (registry.ts only: a name without an implementation would pass validation). */
export function addLayoutName(name: string): LayoutName {
  if (isLayoutName(name)) throw new Error(`layout "${name}" is already registered`);
  // Names become parts of database and role names (`<prefix>_<name>`): keep them plain identifiers.
  if (!/^[a-z][a-z0-9_]{0,30}$/.test(name)) throw new Error(`layout name "${name}" must match [a-z][a-z0-9_]{0,30}`);
  registered.push(name);
  return name as LayoutName;
}

/** Removes a name added by addLayoutName (tests clean up after themselves). */
export function removeLayoutName(name: string): void {
  const i = registered.indexOf(name);
  if (i >= 0) registered.splice(i, 1);
}
