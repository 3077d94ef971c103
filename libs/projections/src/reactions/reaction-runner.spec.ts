import { CommandLoop } from '@loanflow/commands';
import { borrowerRegistered } from '@loanflow/domain/testing/borrower-fixtures';
import { loadStorageConfig } from '@loanflow/config';
import { LoanEvent, Rating } from '@loanflow/domain';
import { applied, at, investigated } from '@loanflow/domain/testing/loan-fixtures';
import { EventToAppend, NO_STREAM, systemClock } from '@loanflow/event-store';
import { openStorage, Storage } from '@loanflow/storage';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReactionRunner } from './reaction-runner';

/** The system's reaction to a rated investigation, on a real SQLite store: once, whatever is replayed. */
describe('reactions: a rated investigation puts the rating on the borrower file', () => {
  let storage: Storage;
  const clock = () => new Date('2026-03-02T10:00:00.000Z');
  const meta = (commandId: string) => ({ actorId: 'ana', commandId, correlationId: 'c', causationId: null, occurredAt: at });
  const rating: Rating = {
    scorecardVersion: 2,
    score: 71,
    grade: 'A',
    bounds: { maxAmount: 2_000_000, maxTermMonths: 24, minRateBps: 500, maxRateBps: 800 },
    factors: [{ code: 'debt_ratio', value: 35, points: 100 }],
  };
  const borrower = (id: string): EventToAppend => ({ ...borrowerRegistered(id, 'ana', at), schemaVersion: 2 }) as EventToAppend;
  const loan = (events: LoanEvent[]) => events as unknown as EventToAppend[];

  beforeEach(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loanflow-reactions-'));
    storage = await openStorage(loadStorageConfig({ SQLITE_PATH: join(dir, 'loanflow.db') }), { clock: systemClock });
  });
  afterEach(() => storage.close());

  it('appends BorrowerRated once, by the system, caused by the investigation; a replay from the start adds nothing', async () => {
    const store = storage.eventStore;
    await store.append('borrower-B', [borrower('B')], { expectedVersion: NO_STREAM, metadata: meta('b') });
    const rated = { ...investigated, data: { ...investigated.data, rating } } as LoanEvent;
    await store.append('loan-L', loan([applied, rated]), { expectedVersion: NO_STREAM, metadata: meta('l') });
    // An investigation without a rating (no scorecard then) puts nothing on the file.
    await store.append('loan-M', loan([{ ...applied, data: { ...applied.data, loanId: 'M' } } as LoanEvent, investigated]), {
      expectedVersion: NO_STREAM,
      metadata: meta('m'),
    });

    const runner = new ReactionRunner({ store, loop: new CommandLoop(store, clock, 'Asia/Shanghai') }, storage.checkpoints);
    await runner.catchUp();
    const file = await store.readStream('borrower-B');
    expect(file.map((e) => e.type)).toEqual(['BorrowerRegistered', 'BorrowerRated']);
    const [, investigation] = await store.readStream('loan-L');
    expect(file[1]).toMatchObject({
      data: { borrowerId: 'B', loanId: 'L', rating, ratedBy: 'ana', at: '2026-03-02T10:00:00.000Z' },
      metadata: { actorId: 'system', commandId: 'rated:loan-L:1', causationId: investigation.eventId },
    });

    // A crash after the append and before the checkpoint: a new runner starts from the beginning.
    await storage.checkpoints.set('reactions', -1);
    const again = new ReactionRunner({ store, loop: new CommandLoop(store, clock, 'Asia/Shanghai') }, storage.checkpoints);
    expect(await again.catchUp()).toBeGreaterThan(0);
    expect((await store.readStream('borrower-B')).map((e) => e.type)).toEqual(['BorrowerRegistered', 'BorrowerRated']);
    // Caught up, it has nothing more to look at.
    expect(await again.catchUp()).toBe(0);
  });
});
