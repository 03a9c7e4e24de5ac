import { Resvg } from '@resvg/resvg-js';
import type { TopLevelSpec } from 'vega-lite';

/**
 * Vega-Lite -> SVG with vega's headless renderer (no browser, no network: data is inlined and
 * the loader refuses external URLs), then SVG -> PNG with resvg.
 */
export async function renderSvg(spec: Record<string, unknown>): Promise<string> {
  // Loaded here, not at start-up: vega and vega-lite are ~300 modules every CLI start paid (~0.15 s).
  const [vega, { compile }] = await Promise.all([import('vega'), import('vega-lite')]);
  const compiled = compile(spec as unknown as TopLevelSpec).spec;
  const loader = vega.loader();
  loader.load = () => Promise.reject(new Error('charts must inline their data; refusing to load a URL'));
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', loader });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export function svgToPng(svg: string, scale = 2): Buffer {
  return new Resvg(svg, {
    fitTo: { mode: 'zoom', value: scale },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    background: 'white',
  })
    .render()
    .asPng();
}
