import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Lease, Storage } from '@loanflow/storage';
import { checkpointName } from './projection';
import { PROJECTIONS } from './projections';
import { ReactionRunner } from './reactions/reaction-runner';
import { ProjectionRunner } from './runner';

/** How long a query in a process that does not project waits for the projecting one to catch up. */
const READY_WAIT_MS = 5_000;

/**
 * Hosts the projection runner for the life of the process (the worker, every api). One process
 * at a time holds the lease and follows the log; the others stand by and take over when it stops.
 * `ready()` gives a query every event recorded before it.
 */
export class ProjectionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('projections');
  private readonly lease: Lease;
  readonly runner: ProjectionRunner;
  readonly reactions: ReactionRunner;

  constructor(
    private readonly storage: Storage,
    clock: () => Date = () => new Date(),
  ) {
    this.lease = storage.lease('projections');
    this.reactions = new ReactionRunner(storage.eventStore, storage.checkpoints, clock);
    this.runner = new ProjectionRunner(storage.eventStore, storage.readModels, PROJECTIONS, {
      lease: this.lease,
      afterCatchUp: () => this.reactions.catchUp(),
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
    try {
      if (await this.lease.acquire()) {
        const events = await this.runner.catchUp();
        if (events > 0) this.logger.log(`read models caught up: ${events} events`);
      }
    } catch (error) {
      this.logger.error(`read models could not catch up: ${(error as Error).message}; retrying`);
    }
    this.runner.start();
  }

  /** Resolves once the read models hold every event recorded before the call (or after a few seconds' wait on another process). */
  async ready(): Promise<void> {
    if (this.lease.held) {
      await this.runner.catchUp();
      // The system's answers to what was recorded (a rating put on the borrower's file), then their rows.
      if ((await this.reactions.catchUp()) > 0) await this.runner.catchUp();
      return;
    }
    const head = await this.storage.eventStore.headPosition();
    if (head < 0) return;
    const names = [...PROJECTIONS.map(checkpointName), this.reactions.name];
    const deadline = Date.now() + READY_WAIT_MS;
    while (Date.now() < deadline) {
      const rows = await this.storage.readModels.selectFrom('checkpoints').select('position').where('name', 'in', names).execute();
      if (rows.length === names.length && rows.every((r) => Number(r.position) >= head)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.runner.stop();
  }
}
