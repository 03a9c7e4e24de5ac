/** Command-line overrides, applied before validation so they are checked the same way. */
export interface ScenarioOverrides {
  layouts?: string[];
  tenants?: number;
  rows?: number;
  seed?: number;
  /** Workload fields from the command line (`run --repeats 5`...), validated like the file's. */
  workload?: Record<string, unknown>;
  /** rateSweep fields from the command line (`run --rate-sweep`), merged over the file's; false drops the sweep. */
  rateSweep?: Record<string, unknown> | false;
}
