import { EventStore, RecordedEvent } from '@loanflow/event-store';
import { Checkpoints } from '@loanflow/storage';
import { rateBorrowerOnFile } from './borrower-ratings';

/** What the system does in answer to a recorded event: appends of its own, idempotent by command id. */
export type Reaction = (store: EventStore, clock: () => Date, event: RecordedEvent) => Promise<void>;

export const REACTIONS: Record<string, Reaction> = { 'borrower-ratings': rateBorrowerOnFile };

const BATCH = 500;

/** The reactions' checkpoint: the last position whose reactions are done. */
export const REACTIONS_CHECKPOINT = 'reactions';

/**
 * Follows the log from its checkpoint and runs each reaction on each event, saving the checkpoint
 * after each batch. At least once: a crash re-runs the batch, and the reactions' command ids make
 * the repeated appends no-ops. Runs where the projections run, under the same lease.
 */
export class ReactionRunner {
  private position: number | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: EventStore,
    private readonly checkpoints: Checkpoints,
    private readonly clock: () => Date = () => new Date(),
    /** Its checkpoint's name. */
    readonly name = REACTIONS_CHECKPOINT,
  ) {}

  /** Runs the reactions up to the log's head as it is now; resolves with the events looked at. */
  catchUp(): Promise<number> {
    const run = this.queue.then(async () => {
      this.position ??= await this.checkpoints.get(this.name);
      const head = await this.store.headPosition();
      let seen = 0;
      while (this.position < head) {
        const batch = await this.store.readAll(this.position + 1, BATCH);
        if (batch.length === 0) break;
        for (const event of batch) for (const react of Object.values(REACTIONS)) await react(this.store, this.clock, event);
        this.position = batch[batch.length - 1].globalPosition;
        await this.checkpoints.set(this.name, this.position);
        seen += batch.length;
      }
      return seen;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}
