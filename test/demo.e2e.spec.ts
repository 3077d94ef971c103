import { loadConfig } from '@loanflow/config';
import { isNonPerforming, loanDecider, LoanEvent, SYSTEM_CLASSIFIER } from '@loanflow/domain';
import { RecordedEvent, systemClock, verifyLog } from '@loanflow/event-store';
import { PROJECTIONS, ProjectionRunner } from '@loanflow/projections';
import { AccessDenial, openStorage } from '@loanflow/storage';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildDemo, DemoOptions, demoOptions, DemoSummary, formatSummary } from '../apps/cli/src/demo';
import { cli } from './support/cli';
import { dumpReadModels } from './support/read-models';

const env = { JWT_SECRET: 'demo-e2e-secret-0123456789abcdef', BUSINESS_TIME_ZONE: 'Asia/Shanghai' };

/** The whole log and access audit of a demo file, read back through the storage adapters. */
async function readBack(db: string): Promise<{ events: RecordedEvent[]; denials: AccessDenial[]; valid: boolean }> {
  const storage = await openStorage(loadConfig({ ...env, SQLITE_PATH: db }), { clock: systemClock });
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
 * together may commit in either order. So is the id of the event a system reaction answers (a
 * rating put on the borrower's file), its causation id.
 */
function contentOf(events: RecordedEvent[]) {
  const stable = ({ causationId, ...rest }: RecordedEvent['metadata']) => ({
    ...rest,
    causationId: causationId === null ? null : '<event>',
  });
  // A sealed record's reference is random and its digest keyed by the borrower's own random key: the same data seal differently.
  const sealed = ({ personal, ...data }: Record<string, unknown>) => (personal === undefined ? data : { ...data, personal: '<sealed>' });
  return events
    .map((e) => ({ stream: e.streamId, version: e.streamVersion, type: e.type, data: sealed(e.data), metadata: stable(e.metadata) }))
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
    expect(first.endOfDayRuns).toBe(first.calendarDays);
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

  it("shows the risk side: ratings on the borrowers' files bounding the approvals, a committee, warning signals and what was done about them", async () => {
    const { events } = await readBack(join(dir, 'a.db'));
    const of = (type: string) => events.filter((e) => e.type === type);
    const data = (e: RecordedEvent) => e.data as Record<string, any>;
    // Set up on the first day, so GET /config/history shows each.
    for (const type of ['ScorecardSet', 'RiskPointsSet', 'WarningRulesSet']) expect(of(type)).toHaveLength(1);
    expect(data(of('PolicySettingsSet')[0])).toMatchObject({ committeeSize: 3, committeeMajority: 2 });

    const rated = of('BorrowerRated');
    expect(rated.length).toBeGreaterThan(20);
    expect(rated.every((e) => e.streamId.startsWith('borrower-') && e.metadata.actorId === 'system')).toBe(true);
    expect(new Set(rated.map((e) => data(e).rating.grade)).size).toBeGreaterThanOrEqual(3);
    // Every approval within the grade of the investigation before it.
    for (const approved of of('LoanApproved')) {
      const investigation = events.filter((e) => e.streamId === approved.streamId && e.type === 'InvestigationCompleted').at(-1)!;
      const { bounds } = data(investigation).rating;
      const { amount, termMonths, annualRateBps } = data(approved).terms;
      expect(amount).toBeLessThanOrEqual(bounds.maxAmount);
      expect(termMonths).toBeLessThanOrEqual(bounds.maxTermMonths);
      expect(annualRateBps).toBeGreaterThanOrEqual(bounds.minRateBps);
      expect(annualRateBps).toBeLessThanOrEqual(bounds.maxRateBps);
    }

    // A loan above every approver's limit, carried by a majority of the credit committee.
    expect(of('ApprovalVoteCast').length).toBeGreaterThanOrEqual(2);
    const byCommittee = of('LoanApproved').filter((e) => data(e).committee);
    expect(byCommittee.length).toBeGreaterThanOrEqual(1);
    expect(data(byCommittee[0]).committee).toMatchObject({ size: 3, majority: 2 });
    expect(data(byCommittee[0]).terms.amount).toBeGreaterThan(800_000 * 100);

    // Signals raised by end of day and by inspectors, resolved by end of day and by people's acts.
    const raised = of('RiskSignalRaised');
    expect(new Set(raised.map((e) => data(e).rule)).size).toBeGreaterThanOrEqual(3);
    expect(raised.some((e) => data(e).raisedBy === 'system')).toBe(true);
    expect(raised.some((e) => data(e).rule === 'inspection_flagged' && data(e).raisedBy !== 'system')).toBe(true);
    const resolved = of('RiskSignalResolved');
    expect(resolved.some((e) => data(e).resolvedBy === 'system')).toBe(true);
    expect(resolved.some((e) => data(e).resolvedBy !== 'system')).toBe(true);

    // What was done: early recovery demanded, a guarantee added, an extension by another approver, a loss written off independently.
    expect(of('EarlyRecoveryDemanded').length).toBeGreaterThanOrEqual(1);
    expect(of('GuaranteeAdded').length).toBeGreaterThanOrEqual(1);
    const actorsOf = (streamId: string, ...types: string[]) =>
      events
        .filter((e) => e.streamId === streamId && types.includes(e.type))
        .map((e) => data(e).investigatorId ?? data(e).examinerId ?? data(e).approverId ?? data(e).approvedBy ?? data(e).officerId);
    for (const extended of of('LoanExtended'))
      expect(actorsOf(extended.streamId, 'LoanApproved', 'ApprovalVoteCast')).not.toContain(data(extended).approverId);
    expect(of('LoanExtended').length).toBeGreaterThanOrEqual(1);
    const writtenOff = of('LoanWrittenOff');
    expect(writtenOff.length).toBeGreaterThanOrEqual(1);
    for (const w of writtenOff)
      expect(
        actorsOf(
          w.streamId,
          'LoanApplied',
          'InvestigationCompleted',
          'ExaminationCompleted',
          'ExaminationReturned',
          'LoanApproved',
          'ApprovalVoteCast',
        ),
      ).not.toContain(data(w).approvedBy);
    expect(first.loansByStatus.written_off).toBe(writtenOff.length);

    // Late payers pay penalty and compound interest first; some written-off claims recover money,
    // recorded by a teller who did not act in approval on the loan.
    const penalised = of('RepaymentReceived').filter((e) => data(e).penalty + data(e).compound > 0);
    expect(penalised.length).toBeGreaterThanOrEqual(1);
    const recoveries = of('WrittenOffRecovered');
    expect(recoveries.length).toBeGreaterThanOrEqual(1);
    for (const r of recoveries)
      expect(actorsOf(r.streamId, 'LoanApproved', 'ApprovalVoteCast', 'LoanExtended', 'LoanWrittenOff')).not.toContain(data(r).receivedBy);

    expect(first.risk).toMatchObject({
      committee: { approved: byCommittee.length, votes: of('ApprovalVoteCast').length },
      signalsResolved: resolved.length,
      guarantees: of('GuaranteeAdded').length,
      earlyRecoveries: of('EarlyRecoveryDemanded').length,
      extensions: of('LoanExtended').length,
      writeOffs: writtenOff.length,
      recoveries: recoveries.length,
      latePayments: penalised.length,
      penaltyCollected: penalised.reduce((sum, e) => sum + data(e).penalty + data(e).compound, 0),
    });
    expect(Object.values(first.risk.ratedByGrade).reduce((a, b) => a + b, 0)).toBe(rated.length);
    expect(Object.values(first.risk.signalsRaised).reduce((a, b) => a + b, 0)).toBe(raised.length);
    expect(formatSummary(first).some((l) => /^ {2}risk {7}borrowers rated AAA \d+/.test(l))).toBe(true);
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
    const storage = await openStorage(loadConfig({ ...env, SQLITE_PATH: join(dir, 'b.db') }), { clock: systemClock });
    try {
      const runner = new ProjectionRunner(storage.eventStore, storage.readModels, PROJECTIONS, {
        businessTimeZone: env.BUSINESS_TIME_ZONE,
        clock: storage.clock,
      });
      // What the app projected while the demo ran, and whatever its last moments left to do.
      await runner.catchUp();
      const live = await dumpReadModels(storage.readModels, PROJECTIONS);
      expect(live.rm_loans).toHaveLength(60);
      expect(live.rm_repayments.length).toBeGreaterThan(50);
      expect(await runner.rebuild()).toBe(second.eventsAppended);
      expect(await dumpReadModels(storage.readModels, PROJECTIONS)).toEqual(live);
      // A cache of 500 rows keeps letting rows go and reading them back: the same tables.
      const narrow = new ProjectionRunner(storage.eventStore, storage.readModels, PROJECTIONS, {
        businessTimeZone: env.BUSINESS_TIME_ZONE,
        clock: storage.clock,
        cachedRows: 500,
      });
      expect(await narrow.rebuild()).toBe(second.eventsAppended);
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
      db: '/x/y.db',
      force: false,
    });
    expect(demoOptions([], {}).start).toBeUndefined();
    expect(demoOptions(['--start', '2025-01-06'], {}).start).toBe('2025-01-06');
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
