// The English locale's own entry point: the package's main one loads every locale (~0.17 s at
// every CLI start). Its \`faker\` is a Faker over [en, base], the same definitions as before.
import { faker } from '@faker-js/faker/locale/en';

/**
 * Value pools drawn once from faker with a fixed seed. Calling faker per row is far too slow for
 * millions of rows; combining pooled values with a seeded PRNG keeps the data realistic-looking
 * and deterministic at millions of rows per second.
 */
export interface Pools {
  firstNames: string[];
  lastNames: string[];
  domains: string[];
  countries: string[];
  categories: string[];
  adjectives: string[];
  materials: string[];
  nouns: string[];
  colors: string[];
  sentences: string[];
  companies: string[];
}

/** COPY text format and our hand-built JSON both need these characters out of pooled strings. */
const clean = (s: string) => s.replace(/[\t\n\r\\"]/g, '').trim();

function draw(n: number, f: () => string, unique = false): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (let tries = 0; out.length < n && tries < n * 20; tries++) {
    const v = clean(f());
    if (!v || (unique && seen.has(v))) continue;
    seen.add(v);
    out.push(v);
  }
  return out;
}

export function buildPools(seed: number): Pools {
  // Reseeded on every call and drawn synchronously: the shared instance gives each call the same values.
  faker.seed(seed);
  return {
    firstNames: draw(1000, () => faker.person.firstName(), true),
    lastNames: draw(1000, () => faker.person.lastName(), true),
    domains: draw(300, () => faker.internet.domainName().toLowerCase(), true),
    countries: draw(60, () => faker.location.countryCode('alpha-2'), true),
    categories: draw(20, () => faker.commerce.department(), true),
    adjectives: draw(40, () => faker.commerce.productAdjective(), true),
    materials: draw(30, () => faker.commerce.productMaterial(), true),
    nouns: draw(40, () => faker.commerce.product(), true),
    colors: draw(30, () => faker.color.human(), true),
    sentences: draw(500, () => faker.lorem.sentence({ min: 4, max: 14 })),
    companies: draw(2000, () => faker.company.name(), true),
  };
}
