import { ReadModelDb } from './read-model-db';

/**
 * Checkpoints of the log's followers, in the read-model database: the last position each has
 * finished. The Kafka relay saves its checkpoint only after the broker acknowledged.
 */
export class Checkpoints {
  constructor(private readonly db: ReadModelDb) {}

  /** -1 before the follower's first event. */
  async get(name: string): Promise<number> {
    const row = await this.db.selectFrom('checkpoints').select('position').where('name', '=', name).executeTakeFirst();
    return row ? Number(row.position) : -1;
  }

  async set(name: string, position: number): Promise<void> {
    const updatedAt = new Date().toISOString();
    await this.db
      .insertInto('checkpoints')
      .values({ name, position, updated_at: updatedAt })
      .onConflict((c) => c.column('name').doUpdateSet({ position, updated_at: updatedAt }))
      .execute();
  }
}
