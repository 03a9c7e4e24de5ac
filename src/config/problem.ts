/**
 * A check beyond the schema's types that a scenario fails (rows fewer than tenants, a tenant slug that
 * is not a tenant...): the field's path and what is wrong. Reported as `field "<path>": <message>`.
 */
export interface Problem {
  readonly path: readonly (string | number)[];
  readonly message: string;
}
