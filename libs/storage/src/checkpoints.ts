import { ReadModelDb } from './read-model-db';

/**
 * Checkpoints of the log's followers, in the read-model database. A follower that writes rows
 * passes its transaction so rows and checkpoint commit together; the Kafka relay, whose writes go
 * to the broker, saves its checkpoint only after the broker acknowledged.
 */
export class Checkpoints {
  constructor(private readonly db: ReadModelDb) {}

  /** The last position the follower finished, -1 before its first event. */
  async get(name: string, db: ReadModelDb = this.db): Promise<number> {
    const row = await db.selectFrom('checkpoints').select('position').where('name', '=', name).executeTakeFirst();
    return row ? Number(row.position) : -1;
  }

  async set(name: string, position: number, db: ReadModelDb = this.db, now = new Date()): Promise<void> {
    await db
      .insertInto('checkpoints')
      .values({ name, position, updated_at: now.toISOString() })
      .onConflict((c) => c.column('name').doUpdateSet({ position, updated_at: now.toISOString() }))
      .execute();
  }
}
