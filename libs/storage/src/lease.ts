import { Client } from 'pg';

/**
 * The right to be the one active follower of a log for some job (say, the Kafka relay), so that
 * a second worker (a rolling deploy, a mistake) stands by instead of doing the work twice.
 */
export interface Lease {
  /** Tries once; true when this process now holds the lease (or already did). */
  acquire(): Promise<boolean>;
  /** False once the lease is lost (its connection dropped): the holder must stop and acquire again. */
  readonly held: boolean;
  release(): Promise<void>;
}

/** The embedded log has one process: the lease is always its own. */
export class ProcessLease implements Lease {
  held = false;

  async acquire(): Promise<boolean> {
    return (this.held = true);
  }

  async release(): Promise<void> {
    this.held = false;
  }
}

/**
 * A PostgreSQL session-level advisory lock on a connection of its own: released by the server the
 * moment the holder's connection ends, so a killed worker's lease passes on at once, without
 * waiting for an expiry. The key is the name within the connection's schema.
 */
export class PostgresLease implements Lease {
  private client: Client | null = null;
  held = false;

  constructor(
    private readonly url: string,
    private readonly name: string,
  ) {}

  async acquire(): Promise<boolean> {
    if (this.held) return true;
    if (!this.client) {
      const client = new Client({ connectionString: this.url });
      client.on('error', () => this.drop(client));
      client.on('end', () => this.drop(client));
      await client.connect();
      this.client = client;
    }
    const { rows } = await this.client.query<{ held: boolean }>(
      `SELECT pg_try_advisory_lock(hashtextextended(current_schema() || ':' || $1, 0)) AS held`,
      [this.name],
    );
    return (this.held = rows[0].held);
  }

  private drop(client: Client): void {
    if (this.client !== client) return;
    this.client = null;
    this.held = false;
  }

  async release(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.held = false;
    await client?.end().catch(() => undefined);
  }
}
