import { EventStore, RecordedEvent } from '@loanflow/event-store';
import { JwtService } from '@nestjs/jwt';
import { Storage } from '@loanflow/storage';
import { EVENT_STORE, STORAGE } from '../apps/api/src/common/tokens';
import { ADMIN, application, BRANCH, hire, registerBorrower, SECRET, startApp, terms, TestApp } from './support/app';

/**
 * The rules hold under timing: acts fired by the hundred while the administrator revokes the
 * actors' posts and declares their relations to the borrowers. An act is recorded only if the
 * actor's record it was decided on is still the record when it commits; otherwise it is decided
 * again, on the new record, and refused. Checked in the log itself (no act after the change in log
 * order) and by the compliance scan, which re-runs the policy over every recorded act.
 */
describe('acts racing the rules: posts revoked and relations declared while a thousand acts are in flight', () => {
  let t: TestApp;
  const EXAMINERS = 10;
  const LOANS_PER_EXAMINER = 60;
  const INSPECTORS = 8;
  const ACTIVE_LOANS = 40;
  const INSPECTIONS = 400;
  const IN_FLIGHT = 40;
  const examiners = Array.from({ length: EXAMINERS }, (_, i) => `ex-${i}`);
  const inspectors = Array.from({ length: INSPECTORS }, (_, i) => `in-${i}`);
  const borrowers = Array.from({ length: INSPECTORS }, (_, i) => `B-${i}`);
  const jwt = new JwtService();
  // One signature per person: a thousand requests need no thousand signatures.
  const tokens = new Map<string, string>();
  const as = (id: string, admin = false) => {
    if (!tokens.has(id)) tokens.set(id, t.as(id, admin).Authorization);
    return { Authorization: tokens.get(id)! };
  };
  const answers: { kind: 'examine' | 'inspect'; status: number; code?: string }[] = [];
  let log: RecordedEvent[] = [];

  /** Runs the tasks with `width` of them in flight at once, in the order given. */
  async function pool(tasks: (() => Promise<void>)[], width: number): Promise<void> {
    let next = 0;
    await Promise.all(
      Array.from({ length: width }, async () => {
        while (next < tasks.length) await tasks[next++]();
      }),
    );
  }

  beforeAll(async () => {
    t = await startApp('2026-03-02T02:00:00.000Z');
    await hire(t, BRANCH, [
      ['ana', 'investigation'],
      ['cy', 'approval', 100_000_000],
      ['dan', 'disbursement'],
      ...examiners.map((id) => [id, 'examination'] as [string, string]),
      ...inspectors.map((id) => [id, 'inspection'] as [string, string]),
    ]);
    for (const [i, borrowerId] of borrowers.entries()) await registerBorrower(t, 'ana', { borrowerId, n: 500 + i });
    const post = (path: string, who: string, body: object) => t.http.post(path).set(as(who)).send(body).expect(201);

    // Loans waiting for examination, each meant for one examiner; active loans of every borrower to inspect.
    const waiting = Array.from({ length: EXAMINERS * LOANS_PER_EXAMINER }, (_, j) => `L-x${j}`);
    await pool(
      waiting.map((loanId, j) => async () => {
        await post('/loans', 'ana', { ...application(loanId), borrowerId: borrowers[j % INSPECTORS] });
        await post(`/loans/${loanId}/investigation`, 'ana', {
          recommendation: 'approve',
          findings: 'income verified',
          riskPoints: [],
          proposedTerms: terms(),
        });
      }),
      16,
    );
    const active = Array.from({ length: ACTIVE_LOANS }, (_, k) => `L-a${k}`);
    await pool(
      active.map((loanId, k) => async () => {
        await post('/loans', 'ana', { ...application(loanId), borrowerId: borrowers[k % INSPECTORS] });
        await post(`/loans/${loanId}/investigation`, 'ana', {
          recommendation: 'approve',
          findings: 'f',
          riskPoints: [],
          proposedTerms: terms(),
        });
        await post(`/loans/${loanId}/examination`, examiners[0], { opinion: 'pass', comments: 'c', riskPoints: [] });
        await post(`/loans/${loanId}/approval`, 'cy', { decision: 'approve', terms: terms(), comments: 'c' });
        await post(`/loans/${loanId}/disbursement`, 'dan', { amount: 5_000_000 });
      }),
      8,
    );

    // A thousand acts, interleaved; while they run, each examiner loses the post and each inspector
    // declares a relation to one borrower, at staggered moments.
    const acts: (() => Promise<void>)[] = [];
    for (let j = 0; j < waiting.length; j++) {
      const examiner = examiners[j % EXAMINERS];
      acts.push(async () => {
        const res = await t.http
          .post(`/loans/${waiting[j]}/examination`)
          .set(as(examiner))
          .send({ opinion: 'pass', comments: 'documents complete', riskPoints: [] });
        answers.push({ kind: 'examine', status: res.status, code: res.body.code });
      });
      if (j < INSPECTIONS) {
        const inspector = inspectors[j % INSPECTORS];
        const loanId = active[(j * 7) % ACTIVE_LOANS];
        acts.push(async () => {
          const res = await t.http
            .post(`/loans/${loanId}/inspections`)
            .set(as(inspector))
            .send({ findings: 'visited the farm', riskPoints: [], signals: [] });
          answers.push({ kind: 'inspect', status: res.status, code: res.body.code });
        });
      }
    }
    const changes = new Map<number, () => Promise<unknown>>();
    examiners.forEach((id, i) =>
      changes.set(60 + i * 90, () => t.http.delete(`/staff/${id}/posts/examination`).set(as(ADMIN, true)).expect(200)),
    );
    inspectors.forEach((id, i) =>
      changes.set(105 + i * 110, () =>
        t.http
          .post(`/staff/${id}/relations`)
          .set(as(ADMIN, true))
          // The borrower whose loans this inspector inspects (loan 7j of 40 is borrower 7j mod 8's).
          .send({ borrowerId: borrowers[(7 * i) % INSPECTORS], relation: 'sibling' })
          .expect(201),
      ),
    );
    const inFlightChanges: Promise<unknown>[] = [];
    await pool(
      acts.map((act, index) => async () => {
        // The change goes out with the act, not after it: both are in flight together (a supertest
        // request is sent when something waits on it, hence Promise.resolve).
        const change = changes.get(index);
        if (change) inFlightChanges.push(Promise.resolve(change()));
        await act();
      }),
      IN_FLIGHT,
    );
    await Promise.all(inFlightChanges);
    log = await t.app.get<EventStore>(EVENT_STORE).readAll(0, 1_000_000);
  }, 600_000);
  afterAll(() => t.close());

  it('records no act after the change that forbids it, in log order', () => {
    const revokedAt = new Map<string, number>();
    const relatedAt = new Map<string, number>();
    const borrowerOf = new Map<string, string>();
    const late: string[] = [];
    for (const e of log) {
      const d = e.data as Record<string, string>;
      if (e.type === 'PostRevoked' && d.post === 'examination') revokedAt.set(d.staffId, e.globalPosition);
      if (e.type === 'RelationDeclared') relatedAt.set(`${d.staffId}|${d.borrowerId}`, e.globalPosition);
      if (e.type === 'LoanApplied') borrowerOf.set(d.loanId, d.borrowerId);
      if (e.type === 'ExaminationCompleted' && e.globalPosition > (revokedAt.get(d.examinerId) ?? Infinity))
        late.push(`${d.examinerId} examined ${d.loanId} at ${e.globalPosition}, after losing the post at ${revokedAt.get(d.examinerId)}`);
      const related = relatedAt.get(`${d.inspectorId}|${borrowerOf.get(d.loanId)}`);
      if (e.type === 'InspectionRecorded' && e.globalPosition > (related ?? Infinity))
        late.push(`${d.inspectorId} inspected ${d.loanId} at ${e.globalPosition}, after declaring a relation at ${related}`);
    }
    expect(revokedAt.size).toBe(EXAMINERS);
    expect(relatedAt.size).toBe(INSPECTORS);
    expect(late).toEqual([]);
  });

  it('answered every act: recorded (201) exactly when its event is in the log, else refused with a code', () => {
    expect(answers).toHaveLength(EXAMINERS * LOANS_PER_EXAMINER + INSPECTIONS);
    const count = (kind: string, status: number) => answers.filter((a) => a.kind === kind && a.status === status).length;
    // The test app's log holds the 40 set-up examinations too.
    expect(log.filter((e) => e.type === 'ExaminationCompleted')).toHaveLength(count('examine', 201) + ACTIVE_LOANS);
    expect(log.filter((e) => e.type === 'InspectionRecorded')).toHaveLength(count('inspect', 201));
    const codes = new Set(answers.filter((a) => a.status !== 201).map((a) => `${a.status} ${a.code}`));
    expect([...codes].every((c) => ['403 NO_POST', '403 CONFLICT_OF_INTEREST', '409 CONCURRENT_WRITE'].includes(c))).toBe(true);
    // The race was run: acts were recorded before each change and refused after it.
    expect(count('examine', 201)).toBeGreaterThan(0);
    expect(answers.filter((a) => a.code === 'NO_POST').length).toBeGreaterThan(0);
    expect(answers.filter((a) => a.code === 'CONFLICT_OF_INTEREST').length).toBeGreaterThan(0);
    if (process.env.LOANFLOW_RACE_FIGURES)
      console.info(
        `race: ${answers.length} acts; ${count('examine', 201)} examinations and ${count('inspect', 201)} inspections recorded; ` +
          `${answers.filter((a) => a.code === 'NO_POST').length} NO_POST, ${answers.filter((a) => a.code === 'CONFLICT_OF_INTEREST').length} CONFLICT_OF_INTEREST, ` +
          `${answers.filter((a) => a.code === 'CONCURRENT_WRITE').length} CONCURRENT_WRITE; ${log.length} events`,
      );
  });

  it('leaves a log in which the compliance scan finds no violation', async () => {
    const auditor = `Bearer ${jwt.sign({ sub: 'aud', auditor: true }, { secret: SECRET, expiresIn: 600 })}`;
    const scan = await t.http.get('/compliance/violations?kind=policy_violation').set('Authorization', auditor).expect(200);
    expect(scan.body.findings).toEqual([]);
  });

  it('registers one borrower file for one identity number, whatever number of registrations race', async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        t.http
          .post('/borrowers')
          .set(as('ana'))
          .send({
            borrowerId: `B-twin-${i}`,
            name: 'Li household',
            kind: 'household',
            village: 'Xishan',
            sector: 'grain',
            identityNumber: '11010519491231002X',
          }),
      ),
    );
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect(answers.filter((a) => a.status === 409).map((a) => a.body.code)).toEqual(Array(49).fill('IDENTITY_NUMBER_TAKEN'));
    const store = t.app.get<EventStore>(EVENT_STORE);
    const registered = (await store.readAll(0, 1_000_000)).filter(
      (e) => e.type === 'BorrowerRegistered' && String(e.data.borrowerId).startsWith('B-twin-'),
    );
    expect(registered).toHaveLength(1);
    // The losers' sealed names and numbers went with their refused appends: only the winner's are kept.
    const sealed = await t.app
      .get<Storage>(STORAGE)
      .readModels.selectFrom('personal_records')
      .select('subject_id')
      .where('subject_id', 'like', 'B-twin-%')
      .execute();
    expect(sealed).toEqual([{ subject_id: registered[0].data.borrowerId }]);
  });
});
