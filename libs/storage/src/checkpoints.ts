import { Clock } from '@loanflow/event-store';
import { ReadModelDb } from './read-model-db';

/**
 * Checkpoints of the log's followers, in the read-model database: the last position each has
 * finished. The Kafka relay saves its checkpoint only after the broker acknowledged.
 */
export class Checkpoints {
  constructor(
    private readonly db: ReadModelDb,
    private readonly clock: Clock,
  ) {}

  /** -1 before the follower's first event. */
  async get(name: string): Promise<number> {
    const row = await this.db.selectFrom('checkpoints').select('position').where('name', '=', name).executeTakeFirst();
    return row ? Number(row.position) : -1;
  }

  async set(name: string, position: number): Promise<void> {
    const updatedAt = this.clock().toISOString();
    await this.db
      .insertInto('checkpoints')
      .values({ name, position, updated_at: updatedAt })
      .onConflict((c) => c.column('name').doUpdateSet({ position, updated_at: updatedAt }))
      .execute();
  }
}

/** Where a follower of the log stopped and why: it retries, and every process reports it until it gets past. */
export interface FollowerFailure {
  /** The follower: a projection, the reactions, the relay. */
  name: string;
  position: number;
  eventType: string;
  error: string;
  failedAt: string;
}

/**
 * The failures of the log's followers, in the read-model database beside their checkpoints, so a
 * process that does not project (an api replica) reports a failure the projecting one hit.
 */
export class FollowerFailures {
  constructor(private readonly db: ReadModelDb) {}

  async record(failure: FollowerFailure): Promise<void> {
    const row = {
      position: failure.position,
      event_type: failure.eventType,
      error: failure.error.slice(0, 2_000),
      failed_at: failure.failedAt,
    };
    await this.db
      .insertInto('follower_failures')
      .values({ name: failure.name, ...row })
      .onConflict((c) => c.column('name').doUpdateSet(row))
      .execute();
  }

  async clear(name: string): Promise<void> {
    await this.db.deleteFrom('follower_failures').where('name', '=', name).execute();
  }

  async list(): Promise<FollowerFailure[]> {
    const rows = await this.db.selectFrom('follower_failures').selectAll().orderBy('name').execute();
    return rows.map((r) => ({
      name: r.name,
      position: Number(r.position),
      eventType: r.event_type,
      error: r.error,
      failedAt: r.failed_at,
    }));
  }
}
