/** Vega-Lite specs shared by several sections. Data is inlined, so a spec file alone re-renders its chart. */

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** A horizontal stacked bar per layout. */
export function barSpec(
  title: string,
  values: Record<string, unknown>[],
  field: string,
  colour: string,
  unit: string,
  order: string[],
): Record<string, unknown> {
  const ranked = values.map((v) => ({ ...v, rank: order.indexOf(String(v[colour])) }));
  return {
    $schema: VEGA_LITE_SCHEMA,
    title,
    width: 480,
    height: { step: 28 },
    data: { values: ranked },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      y: { field: 'layout', type: 'nominal', sort: null, title: 'layout' },
      x: { field, type: 'quantitative', title: unit, stack: 'zero' },
      color: { field: colour, type: 'nominal', title: colour, scale: { domain: order } },
      order: { field: 'rank', type: 'quantitative' },
    },
    config: { font: 'DejaVu Sans' },
  };
}

/** Bars side by side (not stacked) per layout: alternatives of the same measure. */
export function groupedBarSpec(title: string, values: Record<string, unknown>[], field: string, group: string): Record<string, unknown> {
  const rank = (g: string) => (g.startsWith('1 unit') ? 0 : g === 'under load' ? 2 : 1);
  const groups = [...new Set(values.map((v) => String(v[group])))].sort((a, b) => rank(a) - rank(b));
  return {
    $schema: VEGA_LITE_SCHEMA,
    title,
    width: 480,
    height: { step: 14 },
    data: { values },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      y: { field: 'layout', type: 'nominal', sort: null, title: 'layout' },
      yOffset: { field: group, sort: groups },
      x: { field, type: 'quantitative', title: field },
      color: { field: group, type: 'nominal', title: group, scale: { domain: groups } },
    },
    config: { font: 'DejaVu Sans' },
  };
}
