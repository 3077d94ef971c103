import { CommandLoop } from '@loanflow/commands';
import { upcast } from '@loanflow/domain';
import { EventStore, RecordedEvent } from '@loanflow/event-store';
import { Checkpoints } from '@loanflow/storage';
import { FollowerFailed } from '../failure';
import { rateBorrowerOnFile } from './borrower-ratings';

/** What a reaction reads the log with, and the command loop its appends go through. */
export interface ReactionContext {
  store: EventStore;
  loop: CommandLoop;
}

/** What the system does in answer to a recorded event: appends of its own, idempotent by command id. */
export type Reaction = (context: ReactionContext, event: RecordedEvent) => Promise<void>;

export const REACTIONS: Record<string, Reaction> = { 'borrower-ratings': rateBorrowerOnFile };

const BATCH = 500;

/** The reactions' checkpoint: the last position whose reactions are done. */
export const REACTIONS_CHECKPOINT = 'reactions';

/**
 * Follows the log from its checkpoint and runs each reaction on each event, saving the checkpoint
 * after each batch. At least once: a crash re-runs the batch, and the reactions' command ids make
 * the repeated appends no-ops. Runs where the projections run, under the same lease. An event a
 * reaction fails on stops the runner there (FollowerFailed), to be tried again.
 */
export class ReactionRunner {
  private position: number | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly context: ReactionContext,
    private readonly checkpoints: Checkpoints,
    /** Its checkpoint's name. */
    readonly name = REACTIONS_CHECKPOINT,
  ) {}

  /** Runs the reactions up to the log's head as it is now; resolves with the events looked at. */
  catchUp(): Promise<number> {
    const run = this.queue.then(async () => {
      this.position ??= await this.checkpoints.get(this.name);
      const head = await this.context.store.headPosition();
      let seen = 0;
      while (this.position < head) {
        const batch = await this.context.store.readAll(this.position + 1, BATCH);
        if (batch.length === 0) break;
        for (const recorded of batch) {
          const event = upcast(recorded);
          for (const react of Object.values(REACTIONS))
            await react(this.context, event).catch((error: unknown) => {
              throw FollowerFailed.of(this.name, event, error);
            });
          // Done with this event: a failure on a later one of the batch resumes after it.
          this.position = event.globalPosition;
        }
        await this.checkpoints.set(this.name, this.position);
        seen += batch.length;
      }
      return seen;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}
