import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CommandLoop } from '@loanflow/commands';
import { Lease, Storage } from '@loanflow/storage';
import { FollowerFailed, ReadModelBehind } from './failure';
import { checkpointName } from './projection';
import { PROJECTIONS } from './projections';
import { ReactionRunner } from './reactions/reaction-runner';
import { ProjectionRunner } from './runner';

/** How long a query or a decision waits for the read models to reach the position it needs. */
const READY_WAIT_MS = 5_000;
/** Events read per step while following the log. */
const LIVE_BATCH = 200;
/** Rows written per transaction while following the log: about 25 ms on SQLite with the indexes in place, the longest a write holds the process. */
const LIVE_ROWS_PER_WRITE = 1_000;
/** At most this many events behind, the process catches up before it serves. */
const BOOT_CATCH_UP = 50_000;

/**
 * Hosts the projection runner for the life of the process (the worker, every api). One process
 * at a time holds the lease and follows the log; the others stand by and take over when it stops.
 * A projection or reaction that stops on an event is recorded where every process reads it, so
 * each one reports itself not ready until it gets past.
 */
export class ProjectionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('projections');
  private readonly lease: Lease;
  readonly runner: ProjectionRunner;
  readonly reactions: ReactionRunner;
  /** The failure this process last recorded, so it is logged once and cleared when gone. */
  private failed: FollowerFailed | null = null;
  private markStarted!: () => void;
  /** Resolves once this process has tried for the lease and, holding it, caught up: what runs after the start waits for it. */
  readonly started = new Promise<void>((resolve) => (this.markStarted = resolve));

  constructor(
    private readonly storage: Storage,
    loop: CommandLoop,
    businessTimeZone: string,
    /** How long a query or a decision waits for the read models before it answers 503. */
    private readonly readyWaitMs = READY_WAIT_MS,
  ) {
    this.lease = storage.lease('projections');
    this.reactions = new ReactionRunner({ store: storage.eventStore, loop }, storage.checkpoints);
    this.runner = new ProjectionRunner(storage.eventStore, storage.readModels, PROJECTIONS, {
      businessTimeZone,
      clock: storage.clock,
      // Live, a write is the longest the process is held at once: kept short.
      batchSize: LIVE_BATCH,
      rowsPerWrite: LIVE_ROWS_PER_WRITE,
      lease: this.lease,
      afterCatchUp: () => this.reactions.catchUp(),
      onOutcome: (error) => this.outcome(error),
    });
  }

  /** This process is the one following the log. */
  get active(): boolean {
    return this.lease.held;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runner.ensureTables();
    // Caught up before the process serves, when it can; a failure here is the live loop's to retry
    // (and /health's to show), never a reason for the process, and what else it hosts, not to start.
    // Far behind (a new projection version, a restored log), it serves at once and catches up live:
    // queries wait a few seconds, then answer 503 until the read models are there.
    try {
      if (await this.lease.acquire()) {
        const behind = await this.runner.behind();
        if (behind > BOOT_CATCH_UP) this.logger.log(`read models are ${behind} events behind: catching up while serving`);
        else {
          const events = await this.runner.catchUp();
          if (events > 0) this.logger.log(`read models caught up: ${events} events`);
        }
      }
    } catch (error) {
      await this.outcome(error);
    }
    this.runner.start();
    this.markStarted();
  }

  /** Records a follower's failure for every process to report, once; clears it when the followers got past. */
  private async outcome(error: unknown): Promise<void> {
    if (error instanceof FollowerFailed) {
      if (this.failed?.message !== error.message) this.logger.error(`NOT READY: ${error.message}; retrying`);
      this.failed = error;
      await this.storage.failures.record({
        name: error.follower,
        position: error.position,
        eventType: error.eventType,
        error: error.reason,
        failedAt: this.storage.clock().toISOString(),
      });
    } else if (error) {
      this.logger.error(`read models could not catch up: ${(error as Error).message}; retrying`);
    } else if (this.failed) {
      this.logger.log(`${this.failed.follower} got past position ${this.failed.position}: ready again`);
      await this.storage.failures.clear(this.failed.follower);
      this.failed = null;
    }
  }

  /** The projections and reactions stopped on an event, as recorded by whichever process follows the log. */
  async failures() {
    const names = new Set([...PROJECTIONS.map((p) => p.name), this.reactions.name]);
    return (await this.storage.failures.list()).filter((f) => names.has(f.name));
  }

  /**
   * Resolves once the read models hold every event up to `position` (in the process that follows
   * the log, by catching up itself); throws FollowerFailed when a projection is stopped on an event,
   * ReadModelBehind when they have not got there within a few seconds.
   */
  async caughtUpWith(position: number): Promise<void> {
    if (position < 0) return;
    const deadline = Date.now() + this.readyWaitMs;
    if (this.lease.held) {
      const caughtUp = this.runner.catchUp().catch(async (error) => {
        await this.outcome(error);
        throw error;
      });
      // A long catch-up goes on in the background (its failure recorded above); this caller waits only until its deadline.
      caughtUp.catch(() => undefined);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([caughtUp, new Promise((resolve) => (timer = setTimeout(resolve, this.readyWaitMs)))]).finally(() =>
        clearTimeout(timer),
      );
      if (this.runner.position >= position) return;
    }
    const names = PROJECTIONS.map(checkpointName);
    let reached = -1;
    for (;;) {
      const [failure] = await this.failures();
      if (failure) throw new FollowerFailed(failure.name, failure.position, failure.eventType, failure.error);
      const rows = await this.storage.readModels.selectFrom('checkpoints').select('position').where('name', 'in', names).execute();
      reached = rows.length === names.length ? Math.min(...rows.map((r) => Number(r.position))) : -1;
      if (reached >= position) return;
      if (Date.now() >= deadline) throw new ReadModelBehind(position, reached, Math.max(1, Math.ceil(this.readyWaitMs / 1000)));
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /**
   * Resolves once the read models hold every event recorded before the call, and the system's
   * reactions to them (a rating put on the borrower's file) with their rows: what a query needs.
   */
  async ready(): Promise<void> {
    await this.caughtUpWith(await this.storage.eventStore.headPosition());
    if (this.lease.held && (await this.reactions.catchUp()) > 0) await this.runner.catchUp();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }
}
