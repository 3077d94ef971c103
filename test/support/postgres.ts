import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The PostgreSQL the integration suites use; `.ci/run` makes sure it runs. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';

/** A new, empty schema on the test server (the integration setup has checked that it answers), so every case starts from an empty log. */
export async function freshSchema(label = 'lf'): Promise<{ url: string; schema: string }> {
  const schema = `${label}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA ${schema}`);
  } finally {
    await client.end();
  }
  return { url: urlInSchema(TEST_DATABASE_URL, schema), schema };
}

/** A connection string that lands in `schema` (libpq's `options` parameter). */
export function urlInSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}
