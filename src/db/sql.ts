/** Quote an SQL identifier (always quoted: safe for any name). */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** Quote an SQL string literal. */
export function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function assertUuid(value: string): string {
  if (!UUID.test(value)) throw new Error(`not a uuid: ${JSON.stringify(value)}`);
  return value;
}

const SLUG = /^t\d{4,}$/;

export function assertSlug(value: string): string {
  if (!SLUG.test(value)) throw new Error(`not a tenant slug: ${JSON.stringify(value)}`);
  return value;
}
