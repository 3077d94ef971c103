import { CommandLoop } from '@loanflow/commands';
import { loadStorageConfig } from '@loanflow/config';
import { NO_STREAM, systemClock } from '@loanflow/event-store';
import { Lease, openStorage, Storage } from '@loanflow/storage';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FollowerFailed, ReadModelBehind } from './failure';
import { ProjectionService } from './projection.service';

/**
 * A decision that needs a read model gets one caught up with the log as the decision found it, or
 * a refusal to go ahead: never rows that may be behind. Here the process does not hold the
 * projections' lease (another process follows the log, or nobody does).
 */
describe('the read models a decision relies on', () => {
  let storage: Storage;
  const standBy: Lease = { held: false, acquire: async () => false, release: async () => undefined };
  const meta = (commandId: string) => ({
    actorId: 'x',
    commandId,
    correlationId: 'c',
    causationId: null,
    occurredAt: '2026-03-02T09:00:00.000Z',
  });

  beforeEach(async () => {
    storage = await openStorage(loadStorageConfig({ SQLITE_PATH: join(mkdtempSync(join(tmpdir(), 'loanflow-ready-')), 'log.db') }), {
      clock: systemClock,
    });
  });
  afterEach(() => storage.close());

  const service = () =>
    new ProjectionService(
      { ...storage, lease: () => standBy },
      new CommandLoop(storage.eventStore, () => new Date(), 'Asia/Shanghai'),
      'Asia/Shanghai',
      200,
    );

  it('refuses with ReadModelBehind (retry after a second or more) when nobody brings them up to the position in time', async () => {
    const projections = service();
    await projections.runner.ensureTables();
    const { lastPosition } = await storage.eventStore.append('staff-a', [{ type: 'StaffRegistered', data: {} }], {
      expectedVersion: NO_STREAM,
      metadata: meta('a'),
    });
    const started = Date.now();
    const behind = await projections.caughtUpWith(lastPosition).catch((e: unknown) => e);
    expect(behind).toBeInstanceOf(ReadModelBehind);
    expect(behind).toMatchObject({ position: lastPosition, checkpoint: -1, retryAfterSeconds: 1 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    // An empty log needs nothing.
    await expect(projections.caughtUpWith(-1)).resolves.toBeUndefined();
  });

  it('refuses with FollowerFailed at once when the process that follows the log recorded a projection stopped on an event', async () => {
    const projections = service();
    await projections.runner.ensureTables();
    await storage.failures.record({
      name: 'loans',
      position: 7,
      eventType: 'LoanDisbursed',
      error: 'boom',
      failedAt: '2026-03-02T09:00:00.000Z',
    });
    await expect(projections.caughtUpWith(3)).rejects.toEqual(new FollowerFailed('loans', 7, 'LoanDisbursed', 'boom'));
    await storage.failures.clear('loans');
    await expect(projections.caughtUpWith(-1)).resolves.toBeUndefined();
  });
});
