// EXTRA_ADAPTER for loanflow's own event stores, from a built checkout:
//
//   LOANFLOW_DIR=<checkout> EXTRA_ADAPTER=<checkout>/bench/anchors/loanflow-adapter.mjs bash run.sh   (in a copy of ../shared/bench-anchors)
//
// LOANFLOW_DIR is the project checkout and must hold dist/ (npm ci builds it). Two adapters: the embedded SQLite store (WAL, FULL, group
// commit) and the PostgreSQL store (group commit), each through the store port the app uses.
import { createRequire } from 'node:module';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DIR = path.resolve(process.env.LOANFLOW_DIR ?? path.join(HERE, '../..'));
import fs from 'node:fs';
if (!fs.existsSync(path.join(DIR, 'dist/libs/event-store/src/index.js')))
  throw new Error(`LOANFLOW_DIR=${DIR} holds no built loanflow (dist/libs/event-store); set LOANFLOW_DIR to the checkout and build it`);
const req = createRequire(path.join(DIR, 'package.json'));
const es = req(path.join(DIR, 'dist/libs/event-store/src/index.js'));

const metadata = () => ({
  actorId: 'bench',
  commandId: randomUUID(),
  correlationId: randomUUID(),
  causationId: null,
  occurredAt: new Date().toISOString(),
});

function adapter(name, open, facts) {
  let store;
  let dispose = async () => {};
  return {
    name,
    async setup(ctx) {
      ({ store, dispose } = await open(ctx));
    },
    async appendOne(streamId, event, expectedVersion) {
      await store.append(streamId, [{ type: event.type, data: event.data }], {
        expectedVersion: expectedVersion - 1,
        metadata: metadata(),
      });
    },
    async readAll({ batchSize }) {
      let n = 0;
      for (let pos = 0; ;) {
        const page = await store.readAll(pos, batchSize);
        if (page.length === 0) break;
        n += page.length;
        pos = page[page.length - 1].globalPosition + 1;
      }
      return n;
    },
    async readStream(streamId) {
      return store.readStream(streamId);
    },
    async describe() {
      return facts;
    },
    async close() {
      await store?.close();
      await dispose();
      store = undefined;
    },
  };
}

export default function createAdapters() {
  return [
    adapter(
      'loanflow-sqlite',
      async (ctx) => {
        const db = es.openSqlite(path.join(ctx.tmpDir, `loanflow-${randomUUID()}.db`));
        return { store: new es.SqliteEventStore(db, { clock: es.systemClock }), dispose: async () => db.close() };
      },
      { durability: 'WAL, synchronous=FULL, group commit, hash chain, idempotency records', source: DIR },
    ),
    adapter(
      'loanflow-pg',
      async (ctx) => {
        const pg = await ctx.createPgDatabase();
        const pool = await es.openPostgres(pg.url);
        // the store's close() ends the pool
        return { store: new es.PostgresEventStore(pool, { clock: es.systemClock }), dispose: async () => pg.drop() };
      },
      { durability: 'PostgreSQL commit, group commit, hash chain, idempotency records', source: DIR },
    ),
  ];
}
