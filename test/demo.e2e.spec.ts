import { loadConfig } from '@loanflow/config';
import { isNonPerforming, loanDecider, LoanEvent, SYSTEM_CLASSIFIER } from '@loanflow/domain';
import { RecordedEvent, verifyLog } from '@loanflow/event-store';
import { PROJECTIONS, ProjectionRunner } from '@loanflow/projections';
import { AccessDenial, openStorage } from '@loanflow/storage';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDemo, DemoOptions, demoOptions, DemoSummary } from '../apps/cli/src/demo';
import { cli } from './support/cli';
import { dumpReadModels } from './support/read-models';

const env = { JWT_SECRET: 'demo-e2e-secret-0123456789abcdef', BUSINESS_TIME_ZONE: 'Asia/Shanghai' };

/** The whole log and access audit of a demo file, read back through the storage adapters. */
async function readBack(db: string): Promise<{ events: RecordedEvent[]; denials: AccessDenial[]; valid: boolean }> {
  const storage = await openStorage(loadConfig({ ...env, SQLITE_PATH: db }));
  try {
    const events: RecordedEvent[] = [];
    for (let from = 0; ;) {
      const batch = await storage.eventStore.readAll(from, 5000);
      if (batch.length === 0) break;
      events.push(...batch);
      from = batch[batch.length - 1].globalPosition + 1;
    }
    const denials = await storage.accessAudit.list({ limit: 100_000 });
    return { events, denials, valid: (await verifyLog(storage.eventStore)).valid };
  } finally {
    await storage.close();
  }
}

/**
 * What a seed decides: per stream, each event's type, data and metadata. Event ids (UUIDv7),
 * hashes and global positions are left out: the ids carry random bits, and requests in flight
 * together may commit in either order.
 */
function contentOf(events: RecordedEvent[]) {
  return events
    .map((e) => ({ stream: e.streamId, version: e.streamVersion, type: e.type, data: e.data, metadata: e.metadata }))
    .sort((a, b) => (a.stream === b.stream ? a.version - b.version : a.stream < b.stream ? -1 : 1));
}

describe('npm run demo', () => {
  const dir = mkdtempSync(join(tmpdir(), 'loanflow-demo-'));
  const options = (db: string): DemoOptions => ({
    seed: 7,
    loans: 60,
    months: 8,
    branches: 3,
    staff: 30,
    start: '2024-11-04',
    db: join(dir, db),
    force: false,
    env,
  });
  let first: DemoSummary;
  let second: DemoSummary;
  const lines: string[] = [];

  beforeAll(async () => {
    first = await buildDemo(options('a.db'), (line) => lines.push(line));
    second = await buildDemo(options('b.db'), () => undefined);
  }, 120_000);

  it('builds a cooperative of three branches, thirty staff and loans in every stage', () => {
    expect(first.branches).toEqual(['BR-01', 'BR-02', 'BR-03']);
    expect(first.staff).toBeGreaterThanOrEqual(30);
    expect(first.loans).toBe(60);
    expect(first.borrowers).toBeGreaterThan(30);
    expect(first.loansByStatus.active).toBeGreaterThan(20);
    expect(first.loansByStatus.rejected).toBeGreaterThan(0);
    expect(Object.keys(first.loansByStatus).length).toBeGreaterThanOrEqual(4);
    expect(first.endOfDayRuns).toBe(first.businessDays);
    expect(first.nonPerforming).toBeGreaterThanOrEqual(1);
    expect(first.eventsByType.RepaymentReceived).toBeGreaterThan(50);
    expect(first.eventsByType.InspectionRecorded).toBeGreaterThan(20);
    expect(first.eventsByType.PostRevoked).toBeGreaterThan(0);
    expect(first.readSide?.mismatches).toEqual([]);
    expect(first.readSide?.activeListed).toBe(first.loansByStatus.active);
    expect(lines.some((l) => /^2025-03 done: \d+ loans applied/.test(l))).toBe(true);
  });

  it('leaves an intact log whose loans end of day classified, some non-performing', async () => {
    const { events, valid } = await readBack(join(dir, 'a.db'));
    expect(valid).toBe(true);
    expect(events).toHaveLength(first.eventsAppended);
    const classified = events.filter((e) => e.type === 'LoanClassified').map((e) => e.data as { classifiedBy: string; category: string });
    expect(classified.some((c) => c.classifiedBy === SYSTEM_CLASSIFIER)).toBe(true);
    expect(classified.some((c) => c.classifiedBy !== SYSTEM_CLASSIFIER)).toBe(true);
    const states = new Map<string, ReturnType<typeof loanDecider.evolve>>();
    for (const e of events.filter((x) => x.streamId.startsWith('loan-')))
      states.set(e.streamId, loanDecider.evolve(states.get(e.streamId) ?? loanDecider.initialState, e as unknown as LoanEvent));
    expect([...states.values()].filter((s) => s.status === 'active' && isNonPerforming(s.category)).length).toBe(first.nonPerforming);
  });

  it('records the refused attempts in the access audit, each with its rule', async () => {
    const { denials } = await readBack(join(dir, 'a.db'));
    expect(denials.length).toBe(first.refusedAttempts);
    expect(denials.length).toBeGreaterThanOrEqual(1);
    const rules = new Set(denials.map((d) => d.ruleCode));
    expect(rules).toContain('CONFLICT_OF_INTEREST');
    expect([...rules].some((r) => r.startsWith('SOD_'))).toBe(true);
    expect(first.expectedConflicts).toBeGreaterThanOrEqual(1);
  });

  it('gives the same log for the same seed', async () => {
    const [a, b] = await Promise.all([readBack(join(dir, 'a.db')), readBack(join(dir, 'b.db'))]);
    expect(contentOf(b.events)).toEqual(contentOf(a.events));
    const denial = (d: AccessDenial) => `${d.at} ${d.actorId} ${d.action} ${d.resourceId} ${d.ruleCode} ${d.detail}`;
    expect(b.denials.map(denial).sort()).toEqual(a.denials.map(denial).sort());
    expect({ ...first, wallMs: 0, db: '' }).toEqual({ ...second, wallMs: 0, db: '' });
  });

  it('kept read models live that equal a rebuild from position 0', async () => {
    const storage = await openStorage(loadConfig({ ...env, SQLITE_PATH: join(dir, 'b.db') }));
    try {
      const runner = new ProjectionRunner(storage.eventStore, storage.readModels, PROJECTIONS);
      // What the app projected while the demo ran, and whatever its last moments left to do.
      await runner.catchUp();
      const live = await dumpReadModels(storage.readModels, PROJECTIONS);
      expect(live.rm_loans).toHaveLength(60);
      expect(live.rm_repayments.length).toBeGreaterThan(50);
      expect(await runner.rebuild()).toBe(second.eventsAppended);
      expect(await dumpReadModels(storage.readModels, PROJECTIONS)).toEqual(live);
    } finally {
      await storage.close();
    }
  });

  it('refuses to write into a log that holds events unless forced', async () => {
    await expect(buildDemo(options('a.db'), () => undefined)).rejects.toThrow(/already holds a log of \d+ events; pass --force/);
  });

  it('is a CLI command whose flags are checked', async () => {
    expect(demoOptions([], { SQLITE_PATH: '/x/y.db' })).toMatchObject({
      seed: 1,
      loans: 2000,
      months: 24,
      branches: 3,
      staff: 30,
      start: '2024-11-04',
      db: '/x/y.db',
      force: false,
    });
    expect(demoOptions(['--seed', '9', '--loans', '10', '--db', 'z.db', '--force'], {})).toMatchObject({
      seed: 9,
      loans: 10,
      db: 'z.db',
      force: true,
    });
    expect(() => demoOptions(['--loans', 'many'], {})).toThrow(/--loans/);
    expect(() => demoOptions(['--start', '2025-02-30'], {})).toThrow(/--start/);
    expect(() => demoOptions(['--branches', '5', '--staff', '20'], {})).toThrow(/at least 45 staff/);
    expect(() => demoOptions(['--sede', '1'], {})).toThrow(/unknown flag --sede/);
    const { code, err } = await cli(['nonsense'], env);
    expect(code).toBe(2);
    expect(err.join('\n')).toMatch(/demo \[--seed N\]/);
  });
});
