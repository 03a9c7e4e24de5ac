/**
 * What the report is made of: tables (with units) and Vega-Lite charts, grouped into sections.
 * Every rendering (Markdown, HTML, CSV, the terminal) reads these types only.
 */
import type { LayoutName } from '../config/scenario-schema.js';
import type { Summary } from '../results/summary-schema.js';
import type { BundleFiles } from './load-intervals.js';
import type { EnvironmentFile } from './load-results.js';

export type Cell = string | number | null;

export interface Column {
  key: string;
  label: string;
  /** Unit shown in the header, e.g. "s", "MB", "rows/s". */
  unit?: string;
  /** Decimals for numbers. */
  digits?: number;
}

export interface Table {
  id: string;
  title: string;
  description: string;
  columns: Column[];
  rows: Record<string, Cell>[];
  /** Lines shown under the table: what was not measured and why. */
  notes: string[];
  /**
   * paragraphs: Markdown and HTML show each row as a paragraph ("**first column.** second column")
   * instead of a grid (the verdicts); CSV and the terminal keep the grid.
   */
  display?: 'paragraphs';
}

export interface Chart {
  id: string;
  title: string;
  /** A complete Vega-Lite spec with its data inlined. */
  spec: Record<string, unknown>;
  /** Shown right after the table with this id (the first screen); without it, under "Charts" at the end. */
  after?: string;
}

/** One part of the report: its tables in order, and the charts that go with them. */
export interface Section {
  tables: Table[];
  charts: Chart[];
}

/** A section from a results bundle's summary (and environment.json, its CSVs); null when the run has nothing for it. */
export type SectionBuilder = (s: Summary, env: EnvironmentFile | null, files?: BundleFiles) => Section | null;

export type LayoutEntry = [LayoutName, NonNullable<Summary['layouts'][LayoutName]>];

/** The run's layouts in canonical order (shared, rls, schema, database, hybrid), with their summaries. */
export function layoutEntries(s: Summary): LayoutEntry[] {
  return Object.entries(s.layouts) as LayoutEntry[];
}

/** Bytes per MB in every size column. */
export const MB = 1048576;

/** A section of these tables and charts, or null when it has neither. */
export function sectionOf(tables: Table[], charts: Chart[] = []): Section | null {
  return tables.length || charts.length ? { tables, charts } : null;
}
