import { branchDecider, currentSchemaVersion, DEFAULT_MONEY_RULES, DEFAULT_WARNING_RULES } from '@loanflow/domain';
import { EVENT_TYPES } from '@loanflow/domain/event-types';
import { EventStore, GENESIS_HASH, RecordedEvent } from '@loanflow/event-store';
import { isPublished, KafkaRecord, toKafkaRecord } from '@loanflow/messaging';
import { EndOfDayService } from '@loanflow/projections';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { EVENT_STORE } from '../apps/api/src/common/tokens';
import { ADMIN, advance, application, BRANCH, Hire, hire, registerBorrower, startApp, staffBranch, terms, TestApp } from './support/app';
import { recomputedHash } from './support/kafka';
import { GRADE_AA_VALUES, TEST_SCORECARD } from '@loanflow/domain/testing/scorecard';

/**
 * The published event contract, deploy/asyncapi.yaml, against what the app really records and
 * toKafkaRecord really sends: every event type, every header, every field.
 */

/** The parsed YAML: read by path, checked by the assertions. */
type Json = Record<string, any>;

const DOC_ID = 'asyncapi.yaml';
const doc: Json = parse(readFileSync(join(__dirname, '..', 'deploy', 'asyncapi.yaml'), 'utf8'));
const ADDRESSES = {
  loan: 'loanflow.loan.events',
  borrower: 'loanflow.borrower.events',
  staff: 'loanflow.staff.events',
  branch: 'loanflow.branch.events',
  day: 'loanflow.day.events',
  config: 'loanflow.config.events',
};
const PUBLISHING = { source: '/loanflow', topicPrefix: 'loanflow' };

/** Follows a local `$ref` such as `#/components/messages/LoanApplied`; anything else is returned as is. */
function deref(node: Json): Json {
  if (typeof node?.$ref !== 'string') return node;
  const ref: string = node.$ref;
  if (!ref.startsWith('#/')) throw new Error(`only local references are expected, not ${ref}`);
  const target = ref
    .slice(2)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<Json | undefined>((at, part) => at?.[part], doc);
  if (target === undefined) throw new Error(`${ref} points at nothing`);
  return deref(target);
}

const channelAt = (address: string) => Object.entries<Json>(doc.channels ?? {}).find(([, channel]) => channel.address === address);

/** The `ce_type` const of a message's headers, declared directly or in one branch of an allOf. */
function ceTypeOf(message: Json): string | undefined {
  const headers = deref(message.headers ?? {});
  const branches = [headers, ...(headers.allOf ?? []).map(deref)];
  return branches.map((b) => b.properties?.ce_type?.const).find((c) => c !== undefined);
}

/** The messages on the channel of an aggregate, by the `ce_type` their headers fix. */
function messagesOn(aggregate: keyof typeof ADDRESSES): Map<string, { id: string; message: Json }> {
  const [, channel] = channelAt(ADDRESSES[aggregate]) ?? [];
  const byType = new Map<string, { id: string; message: Json }>();
  for (const [id, ref] of Object.entries<Json>(channel?.messages ?? {})) {
    const message = deref(ref);
    const type = ceTypeOf(message);
    if (type) byType.set(type, { id, message });
  }
  return byType;
}

/** A pointer into the document for ajv, so that the document's own `#/components/...` references resolve. */
function pointerTo(node: Json): string {
  if (typeof node.$ref === 'string') return `${DOC_ID}${node.$ref}`;
  throw new Error('expected a $ref');
}

function ajvFor(): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  // Only the components: they are what the payload, header and key schemas point into.
  ajv.addSchema({ $id: DOC_ID, components: doc.components }, DOC_ID);
  return ajv;
}

interface Validators {
  headers: ValidateFunction;
  payload: ValidateFunction;
  key: ValidateFunction;
}

/** Compiles the header, payload and key schemas of a message found by its JSON pointer in the document. */
function validatorsFor(ajv: Ajv, messageId: string): Validators {
  const at = `${DOC_ID}#/components/messages/${messageId}`;
  const message = deref({ $ref: `#/components/messages/${messageId}` });
  const compile = (pointer: string) => {
    const validate = ajv.getSchema(pointer);
    if (!validate) throw new Error(`no schema at ${pointer}`);
    return validate;
  };
  const bindings = typeof message.bindings?.$ref === 'string' ? `${DOC_ID}${message.bindings.$ref}` : `${at}/bindings`;
  return {
    headers: compile(`${at}/headers`),
    payload: compile(pointerTo(message.payload)),
    key: compile(`${bindings}/kafka/key`),
  };
}

describe('the published event contract, deploy/asyncapi.yaml', () => {
  describe('the document', () => {
    it('is AsyncAPI 3.0.0 with a versioned info section and a Kafka production server', () => {
      expect(doc.asyncapi).toBe('3.0.0');
      expect(doc.info).toMatchObject({ title: expect.any(String), version: '1.0.0', description: expect.stringContaining('ce_id') });
      expect(doc.servers.production).toMatchObject({ protocol: 'kafka', host: expect.stringMatching(/\{\w+\}/) });
      for (const name of doc.servers.production.host.match(/\{(\w+)\}/g).map((v: string) => v.slice(1, -1)))
        expect(doc.servers.production.variables[name]).toMatchObject({ default: expect.any(String) });
    });

    it('has one channel per aggregate topic, each with the Kafka binding 0.5.0 and a send operation', () => {
      expect(Object.values<Json>(doc.channels).map((c) => c.address)).toEqual(expect.arrayContaining(Object.values(ADDRESSES)));
      expect(Object.keys(doc.channels)).toHaveLength(6);
      for (const address of Object.values(ADDRESSES)) {
        const [id, channel] = channelAt(address)!;
        expect(channel.bindings?.kafka?.bindingVersion).toBe('0.5.0');
        const sends = Object.values<Json>(doc.operations).filter((o) => o.channel?.$ref === `#/channels/${id}`);
        expect(sends).toEqual([expect.objectContaining({ action: 'send' })]);
        // An operation's messages must be messages of its channel.
        for (const m of sends[0].messages ?? []) expect(m.$ref).toMatch(new RegExp(`^#/channels/${id}/messages/`));
      }
    });

    it.each(Object.entries(EVENT_TYPES).flatMap(([aggregate, types]) => types.map((type) => [aggregate, type])))(
      'describes %s event %s on its channel: ce_type const, payload schema and key binding',
      (aggregate, type) => {
        const found = messagesOn(aggregate as keyof typeof ADDRESSES).get(`loanflow.${aggregate}.${type}.v${currentSchemaVersion(type)}`);
        expect(found).toBeDefined();
        const { message } = found!;
        expect(message).toMatchObject({
          name: type,
          title: expect.any(String),
          summary: expect.any(String),
          contentType: 'application/json',
        });
        expect(message.payload.$ref).toBe(`#/components/schemas/${type}Data`);
        const payload = deref(message.payload);
        expect(payload).toMatchObject({ type: 'object', additionalProperties: false, required: expect.arrayContaining(['at']) });
        // Every required field is described.
        expect(Object.keys(payload.properties)).toEqual(expect.arrayContaining(payload.required));
        expect(deref(message.bindings).kafka).toMatchObject({ key: expect.anything(), bindingVersion: '0.5.0' });
      },
    );

    it('describes no message for an event type the domain does not have', () => {
      // A type's records keep the schema version they were recorded with: every version is described.
      const known = new Set(
        Object.entries(EVENT_TYPES).flatMap(([aggregate, types]) =>
          types.flatMap((t) => Array.from({ length: currentSchemaVersion(t) }, (_, v) => `loanflow.${aggregate}.${t}.v${v + 1}`)),
        ),
      );
      const described = (['loan', 'borrower', 'staff', 'branch', 'day', 'config'] as const).flatMap((a) => [...messagesOn(a).keys()]);
      expect(described.filter((t) => !known.has(t))).toEqual([]);
      expect(described).toHaveLength(known.size);
      expect(Object.keys(doc.components.messages)).toHaveLength(known.size);
    });

    it('has examples that satisfy their own schemas', () => {
      const ajv = ajvFor();
      const failures: string[] = [];
      let examples = 0;
      for (const id of Object.keys(doc.components.messages)) {
        const validate = validatorsFor(ajv, id);
        for (const example of doc.components.messages[id].examples ?? []) {
          examples++;
          if (example.payload && !validate.payload(example.payload))
            failures.push(`${id} example ${example.name} payload: ${ajv.errorsText(validate.payload.errors)}`);
          if (example.headers && !validate.headers(example.headers))
            failures.push(`${id} example ${example.name} headers: ${ajv.errorsText(validate.headers.errors)}`);
        }
      }
      expect(failures).toEqual([]);
      expect(examples).toBeGreaterThan(0);
    });
  });

  describe('against every event the real app records', () => {
    let t: TestApp;
    let events: RecordedEvent[];
    let records: { event: RecordedEvent; record: KafkaRecord }[];
    const admin = () => t.as(ADMIN, true);

    beforeAll(async () => {
      t = await startApp('2026-03-02T09:00:00.000Z');
      // StaffRegistered, PostAssigned (with and without an approval limit), BorrowerRegistered.
      await staffBranch(t);
      // FinancialStatementRecorded, its cash flow negative.
      await t.http
        .post('/borrowers/B-100/financial-statements')
        .set(t.as('ana'))
        .send({ asOf: '2025-12-31', income: 12_000_000, assets: 30_000_000, liabilities: 5_000_000, cashFlow: -150_000 })
        .expect(201);
      // PostRevoked at two branches at once; RelationDeclared.
      await t.http.post('/staff').set(admin()).send({ staffId: 'gus', name: '顾 Gus', branchId: BRANCH }).expect(201);
      await t.http.post('/staff/gus/posts').set(admin()).send({ post: 'inspection', branchId: BRANCH }).expect(201);
      await t.http.post('/staff/gus/posts').set(admin()).send({ post: 'inspection', branchId: 'BR-02' }).expect(201);
      await t.http.delete('/staff/gus/posts/inspection').set(admin()).expect(200);
      await t.http.post('/staff/gus/relations').set(admin()).send({ borrowerId: 'B-200', relation: 'business_partner' }).expect(201);

      // L-1: applied, investigated, examined, approved, disbursed, inspected, repaid in part, then in full and closed.
      await t.http.post('/loans').set(t.as('ana')).set('X-Correlation-Id', 'branch-01/intake-7').send(application('L-1')).expect(201);
      await t.http
        .post('/loans/L-1/investigation')
        .set(t.as('ana'))
        .send({ recommendation: 'approve', findings: 'income verified', riskPoints: ['guarantor-over-committed'], proposedTerms: terms() })
        .expect(201);
      await t.http
        .post('/loans/L-1/examination')
        .set(t.as('bo'))
        .send({ opinion: 'pass', comments: 'complete', riskPoints: [] })
        .expect(201);
      await t.http
        .post('/loans/L-1/approval')
        .set(t.as('cy'))
        .send({ decision: 'approve', terms: terms(), comments: 'within plan' })
        .expect(201);
      t.setNow('2026-03-03T09:00:00.000Z');
      await t.http.post('/loans/L-1/disbursement').set(t.as('dan')).send({ amount: 5_000_000 }).expect(201);
      t.setNow('2026-04-03T08:00:00.000Z');
      await t.http
        .post('/loans/L-1/inspections')
        .set(t.as('eve'))
        .send({ findings: 'crop planted as stated', riskPoints: [], signals: ['late-rain'] })
        .expect(201);
      await t.http.post('/loans/L-1/repayments').set(t.as('dan')).send({ amount: 30_000, paidOn: '2026-04-03' }).expect(201);
      const partly = await t.http.get('/loans/L-1').set(t.as('ana')).expect(200);
      await t.http.post('/loans/L-1/repayments').set(t.as('dan')).send({ amount: partly.body.payoff.payoff }).expect(201);
      expect((await t.http.get('/loans/L-1').set(t.as('ana')).expect(200)).body.status).toBe('closed');

      // L-2: declined by its investigator (InvestigationCompleted without terms, LoanRejected at investigation).
      await t.http.post('/loans').set(t.as('ana')).send(application('L-2')).expect(201);
      await t.http
        .post('/loans/L-2/investigation')
        .set(t.as('ana'))
        .send({ recommendation: 'decline', findings: 'no repayment source', riskPoints: [] })
        .expect(201);

      // L-3: returned by the examiner, investigated again, then rejected at examination.
      await advance(t, 'L-3', 'investigated');
      await t.http
        .post('/loans/L-3/examination')
        .set(t.as('bo'))
        .send({ opinion: 'return', comments: 'verify the guarantor', riskPoints: ['guarantor'] })
        .expect(201);
      await t.http
        .post('/loans/L-3/investigation')
        .set(t.as('ana'))
        .send({ recommendation: 'approve', findings: 'guarantor verified', riskPoints: [], proposedTerms: terms(4_000_000) })
        .expect(201);
      await t.http
        .post('/loans/L-3/examination')
        .set(t.as('bo'))
        .send({ opinion: 'reject', comments: 'guarantor insolvent', riskPoints: [] })
        .expect(201);

      // L-4: rejected by the approver.
      await advance(t, 'L-4', 'examined');
      await t.http
        .post('/loans/L-4/approval')
        .set(t.as('cy'))
        .send({ decision: 'reject', comments: 'outside the credit plan' })
        .expect(201);

      // L-5: a bullet loan at 0%, paid out below the approved amount (principal 0 and interest 0 in the schedule).
      const free = { amount: 1_200_000, termMonths: 6, annualRateBps: 0 };
      await t.http
        .post('/loans')
        .set(t.as('ana'))
        .send({ ...application('L-5', 1_200_000), security: 'credit', repayment: 'bullet', agricultural: false, termMonths: 6 })
        .expect(201);
      await t.http
        .post('/loans/L-5/investigation')
        .set(t.as('ana'))
        .send({ recommendation: 'approve', findings: 'ok', riskPoints: [], proposedTerms: free })
        .expect(201);
      await t.http.post('/loans/L-5/examination').set(t.as('bo')).send({ opinion: 'pass', comments: 'ok', riskPoints: [] }).expect(201);
      await t.http.post('/loans/L-5/approval').set(t.as('cy')).send({ decision: 'approve', terms: free, comments: 'ok' }).expect(201);
      await t.http.post('/loans/L-5/disbursement').set(t.as('dan')).send({ amount: 1_000_000, disbursedOn: '2026-04-03' }).expect(201);
      // L-6: an annuity loan, active.
      await t.http
        .post('/loans')
        .set(t.as('ana'))
        .send({ ...application('L-6', 2_400_000), security: 'mortgage', repayment: 'annuity' })
        .expect(201);

      // L-5 classified worse by its inspector (LoanClassified); configuration set by the administrator.
      await t.http
        .post('/loans/L-5/classification')
        .set(t.as('eve'))
        .send({ category: 'special_mention', reason: 'the orchard lost its buyer' })
        .expect(201);
      await t.http
        .put('/config/structure-targets')
        .set(admin())
        .send({
          targets: [
            { dimension: 'purpose', bucket: 'agricultural', minShareBps: 6000 },
            { dimension: 'sector', bucket: 'grain', maxShareBps: 4000 },
          ],
        })
        .expect(200);
      await t.http
        .put('/config/policy-settings')
        .set(admin())
        .send({ rotationTenureMonths: 24, inspectionIntervalDays: 60, committeeSize: 3, committeeMajority: 2 })
        .expect(200);

      // The risk configuration (ScorecardSet, RiskPointsSet, WarningRulesSet): from here on approving investigations rate
      // the borrower and acts tag only catalogued risk points.
      await t.http.put('/config/scorecard').set(admin()).send(TEST_SCORECARD).expect(200);
      await t.http
        .put('/config/risk-points')
        .set(admin())
        .send({
          points: [
            { code: 'guarantor-over-committed', stage: 'investigation', description: 'the guarantor already vouches for too much' },
            { code: 'funds-diverted', stage: 'disbursement', description: 'the money may not go where the application says' },
            { code: 'livestock-sold', stage: 'post_loan', description: 'pledged livestock sold without consent' },
          ],
        })
        .expect(200);
      await t.http.put('/config/warning-rules').set(admin()).send(DEFAULT_WARNING_RULES).expect(200);
      await t.http.put('/config/money-rules').set(admin()).send(DEFAULT_MONEY_RULES).expect(200);

      // Three more approvers, each below 150,000.00, so that L-7 goes to a committee (of cy, fay, hal); ivy and jon act later.
      await hire(
        t,
        BRANCH,
        ['fay', 'hal', 'ivy', 'jon'].map((id): Hire => [id, 'approval', 10_000_000, `Approver ${id}`]),
      );
      // B-300 guarantees L-7.
      await registerBorrower(t, 'ana', { borrowerId: 'B-300', n: 300, name: 'Zhao household', village: 'Nanshan', sector: 'tea' });

      // L-7: rated AA (InvestigationCompleted with a rating, then BorrowerRated by the system), above every approver's limit:
      // a committee votes (ApprovalVoteCast to reject without terms, then to approve) and its majority approves (LoanApproved
      // with the committee). Then at risk: a flagged inspection (RiskSignalRaised), a guarantor resolving it (GuaranteeAdded,
      // RiskSignalResolved), collateral, early recovery, an extension by another approver, classified loss and written off.
      await t.http.post('/loans').set(t.as('ana')).send(application('L-7', 15_000_000)).expect(201);
      await t.http
        .post('/loans/L-7/investigation')
        .set(t.as('ana'))
        .send({
          recommendation: 'approve',
          findings: 'harvest contracts seen',
          riskPoints: ['guarantor-over-committed'],
          proposedTerms: terms(15_000_000),
          rating: GRADE_AA_VALUES,
        })
        .expect(201);
      await t.http
        .post('/loans/L-7/examination')
        .set(t.as('bo'))
        .send({ opinion: 'pass', comments: 'complete', riskPoints: [] })
        .expect(201);
      await t.http
        .post('/loans/L-7/approval')
        .set(t.as('hal'))
        .send({ decision: 'reject', comments: 'too large for one household' })
        .expect(201);
      const vote = (by: string) =>
        t.http
          .post('/loans/L-7/approval')
          .set(t.as(by))
          .send({ decision: 'approve', terms: terms(15_000_000), comments: `${by} agrees`, riskPoints: ['funds-diverted'] });
      await vote('cy').expect(201);
      await vote('fay').expect(201);
      await t.http
        .post('/loans/L-7/disbursement')
        .set(t.as('dan'))
        .send({ amount: 15_000_000, riskPoints: ['funds-diverted'] })
        .expect(201);
      await t.http
        .post('/loans/L-7/inspections')
        .set(t.as('eve'))
        .send({ findings: 'cattle gone', riskPoints: ['livestock-sold'], signals: ['pledged cattle sold'] })
        .expect(201);
      await t.http
        .post('/loans/L-7/guarantees')
        .set(t.as('ana'))
        .send({ kind: 'guarantor', guarantorId: 'B-300', value: 5_000_000, resolves: ['S1'] })
        .expect(201);
      await t.http
        .post('/loans/L-7/guarantees')
        .set(t.as('ana'))
        .send({ kind: 'pledge', collateral: 'tractor, 2019', value: 3_000_000, appraiserId: 'APPRAISER-7' })
        .expect(201);
      await t.http.post('/loans/L-7/early-recovery').set(t.as('eve')).send({ dueOn: '2026-06-30', reason: 'collateral sold' }).expect(201);
      await t.http.post('/loans/L-7/extension').set(t.as('ivy')).send({ months: 6, reason: 'harvest late' }).expect(201);
      await t.http.post('/loans/L-7/classification').set(t.as('eve')).send({ category: 'loss', reason: 'borrower absconded' }).expect(201);
      await t.http.post('/loans/L-7/write-off').set(t.as('jon')).send({ reason: 'borrower absconded; recovery exhausted' }).expect(201);
      expect((await t.http.get('/loans/L-7').set(t.as('eve')).expect(200)).body.status).toBe('written_off');
      // The guarantor pays part of the claim (WrittenOffRecovered), recorded by the teller.
      await t.http.post('/loans/L-7/recoveries').set(t.as('dan')).send({ amount: 1_500_000 }).expect(201);

      // L-8: rated AA at score 90, above every approver's limit too, rejected by two of its committee of three
      // (ApprovalVoteCast twice, then LoanRejected by the committee).
      await t.http.post('/loans').set(t.as('ana')).send(application('L-8', 12_000_000)).expect(201);
      await t.http
        .post('/loans/L-8/investigation')
        .set(t.as('ana'))
        .send({
          recommendation: 'approve',
          findings: 'ok',
          riskPoints: [],
          proposedTerms: terms(12_000_000),
          rating: { ...GRADE_AA_VALUES, late_months: 1 },
        })
        .expect(201);
      await t.http.post('/loans/L-8/examination').set(t.as('bo')).send({ opinion: 'pass', comments: 'ok', riskPoints: [] }).expect(201);
      for (const by of ['fay', 'hal'])
        await t.http
          .post('/loans/L-8/approval')
          .set(t.as(by))
          .send({ decision: 'reject', comments: `${by} declines` })
          .expect(201);

      // The branch's maturity reminders, as the end-of-day job records them (no HTTP route issues them).
      const store = t.app.get<EventStore>(EVENT_STORE);
      const reminders = branchDecider.decide(
        {
          type: 'IssueMaturityReminders',
          data: {
            branchId: BRANCH,
            month: '2026-10',
            issuedOn: '2026-10-01',
            officers: [
              {
                officerId: 'ana',
                loans: [
                  {
                    loanId: 'L-5',
                    borrowerId: 'B-100',
                    maturityDate: '2026-10-03',
                    principalOutstanding: 1_000_000,
                    interestOutstanding: 0,
                    category: 'special_mention',
                  },
                ],
              },
            ],
            now: '2026-10-01T00:30:00.000Z',
          },
        },
        branchDecider.initialState,
      );
      await store.append(`branch-${BRANCH}`, reminders, {
        expectedVersion: -1,
        metadata: {
          actorId: 'system',
          commandId: 'maturity-reminders:BR-01:2026-10',
          correlationId: 'end-of-day-2026-10-01',
          causationId: null,
          occurredAt: '2026-10-01T00:30:00.000Z',
        },
      });

      // BorrowerRated is the system's reaction to a rated investigation: reading the borrower's file lets it catch up.
      const ratings = (await t.http.get('/borrowers/B-100').set(t.as('ana')).expect(200)).body.ratings;
      expect(ratings.map((r: { loanId: string }) => r.loanId)).toEqual(['L-7', 'L-8']);

      // PersonalDataErased: a borrower with no loans, registered and then erased by the administrator.
      await registerBorrower(t, 'ana', { borrowerId: 'B-400', n: 400, name: 'Sun household', village: 'Xishan', sector: 'fruit' });
      await t.http
        .post('/borrowers/B-400/erasure')
        .set(admin())
        .send({ reason: 'the borrower asked for erasure; no loans on file' })
        .expect(201);
      expect((await t.http.get('/borrowers/B-400').set(t.as('ana')).expect(200)).body).toMatchObject({
        personalData: 'erased',
        name: null,
      });

      // End of day, the morning after the last acts, closes every business day from the log's first (BusinessDayClosed).
      t.setNow('2026-04-04T01:00:00.000Z');
      const closed = await t.app.get(EndOfDayService).closeThrough('2026-04-03');
      expect([closed.length, closed[0].date, closed.at(-1)!.date]).toEqual([33, '2026-03-02', '2026-04-03']);

      events = await store.readAll(0, 100_000);
      // The registry's records (identity-number reservations, administrators) stay in the log.
      records = events.filter((e) => isPublished(e.streamId)).map((event) => ({ event, record: toKafkaRecord(event, PUBLISHING) }));
    });
    afterAll(() => t?.close());

    it('recorded every event type the domain has', () => {
      const seen = new Set(events.map((e) => `${e.streamId.slice(0, e.streamId.indexOf('-'))}.${e.type}`));
      const expected = Object.entries(EVENT_TYPES).flatMap(([aggregate, types]) => types.map((type) => `${aggregate}.${type}`));
      expect(expected.filter((type) => !seen.has(type))).toEqual([]);
      expect(expected).toHaveLength(35);
    });

    it('records no borrower personal data in clear: names, identity numbers and figures are sealed out of the log', () => {
      const borrowerEvents = events.filter((e) => e.streamId.startsWith('borrower-'));
      expect(new Set(borrowerEvents.map((e) => e.type))).toEqual(new Set(EVENT_TYPES.borrower));
      const personal = ['name', 'identityNumber', 'income', 'assets', 'liabilities', 'cashFlow'];
      expect(borrowerEvents.flatMap((e) => personal.filter((key) => key in (e.data as Json)).map((key) => `${e.type}.${key}`))).toEqual([]);
      // What stands for them: a reference and a digest, and the identity number's keyed hash.
      for (const e of borrowerEvents.filter((e) => e.type === 'BorrowerRegistered' || e.type === 'FinancialStatementRecorded'))
        expect(e.data).toMatchObject({ personal: { ref: expect.any(String), digest: expect.stringMatching(/^[0-9a-f]{64}$/) } });
      expect(borrowerEvents.filter((e) => e.type === 'BorrowerRegistered').map((e) => (e.data as Json).identityKey)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^[0-9a-f]{64}$/)]),
      );
    });

    it('publishes each on its channel, and its key, headers and value satisfy its message', () => {
      const ajv = ajvFor();
      const validators = new Map<string, Validators>();
      const failures: string[] = [];
      for (const { event, record } of records) {
        const name = `#${event.globalPosition} ${event.type} (${event.streamId} v${event.streamVersion})`;
        const aggregate = event.streamId.slice(0, event.streamId.indexOf('-')) as keyof typeof ADDRESSES;
        if (record.topic !== ADDRESSES[aggregate])
          failures.push(`${name}: topic ${record.topic}, the contract says ${ADDRESSES[aggregate]}`);
        const found = messagesOn(aggregate).get(record.headers.ce_type);
        if (!found) {
          failures.push(`${name}: no message on ${ADDRESSES[aggregate]} has ce_type ${record.headers.ce_type}`);
          continue;
        }
        if (!validators.has(found.id)) validators.set(found.id, validatorsFor(ajv, found.id));
        const validate = validators.get(found.id)!;
        const check = (part: string, fn: ValidateFunction, value: unknown) => {
          if (!fn(value))
            for (const e of fn.errors ?? [])
              failures.push(
                `${name} ${part}${e.instancePath || ''}: ${e.keyword} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`,
              );
        };
        check('value', validate.payload, JSON.parse(record.value));
        check('headers', validate.headers, record.headers);
        check('key', validate.key, record.key);
        if (record.headers.ce_subject !== record.key || record.headers.ce_partitionkey !== record.key)
          failures.push(`${name}: ce_subject and ce_partitionkey must equal the key ${record.key}`);
        if (record.headers.ce_id !== event.eventId) failures.push(`${name}: ce_id is not the event id`);
        if (record.headers.ce_globalposition !== String(event.globalPosition)) failures.push(`${name}: ce_globalposition`);
        if (record.headers.ce_streamversion !== String(event.streamVersion)) failures.push(`${name}: ce_streamversion`);
        if (record.headers.ce_time !== event.metadata.occurredAt) failures.push(`${name}: ce_time is not occurredAt`);
      }
      expect(failures).toEqual([]);
      expect(records.length).toBeGreaterThanOrEqual(40);
      expect(new Set(validators.keys()).size).toBe(35);
    });

    it('keeps every stream in order on one key, and lets a consumer follow the hash chain from the headers', () => {
      const last = new Map<string, { version: number; hash: string }>();
      for (const { record } of records) {
        const previous = last.get(record.key) ?? { version: -1, hash: GENESIS_HASH };
        expect([record.key, Number(record.headers.ce_streamversion), record.headers.ce_prevhash]).toEqual([
          record.key,
          previous.version + 1,
          previous.hash,
        ]);
        last.set(record.key, { version: Number(record.headers.ce_streamversion), hash: record.headers.ce_eventhash });
      }
      // Positions increase strictly in log order, with gaps where the log holds internal records.
      const positions = records.map((r) => Number(r.record.headers.ce_globalposition));
      expect(positions).toEqual(events.filter((e) => isPublished(e.streamId)).map((e) => e.globalPosition));
      expect(positions.every((p, i) => i === 0 || p > positions[i - 1])).toBe(true);
    });

    it('publishes none of the internal records the log holds (identity-number reservations and releases, administrators)', () => {
      const internal = events.filter((e) => e.streamId.startsWith('identity-') || e.streamId.startsWith('admin-'));
      expect(new Set(internal.map((e) => e.type))).toEqual(
        new Set(['IdentityNumberReserved', 'IdentityNumberReleased', 'AdministratorRecognised']),
      );
      expect(internal.some((e) => isPublished(e.streamId))).toBe(false);
      const internalIds = new Set(internal.map((e) => e.eventId));
      expect(records.filter(({ record }) => internalIds.has(record.headers.ce_id) || /^(identity|admin)-/.test(record.key))).toEqual([]);
      expect(records).toHaveLength(events.length - internal.length);
      expect(() => toKafkaRecord(internal[0], PUBLISHING)).toThrow(/no published aggregate/);
    });

    it('recomputes ce_eventhash as info.description says, from the record alone', () => {
      for (const { record } of records) expect(recomputedHash(record.headers, record.value)).toBe(record.headers.ce_eventhash);
      expect(doc.info.description).toContain('`ce_commandid`');
    });

    describe('and can fail', () => {
      const applied = () => records.find((r) => r.event.type === 'LoanApplied')!.record;
      const loanApplied = () => validatorsFor(ajvFor(), 'LoanApplied');

      it('rejects a LoanApplied value with the amount as a string, or in fractions of a cent', () => {
        const validate = loanApplied();
        expect(validate.payload({ ...JSON.parse(applied().value), amount: '5000000' })).toBe(false);
        expect(validate.payload.errors).toEqual([expect.objectContaining({ instancePath: '/amount', keyword: 'type' })]);
        expect(validate.payload({ ...JSON.parse(applied().value), amount: 12.5 })).toBe(false);
        expect(validate.payload({ ...JSON.parse(applied().value), amount: 0 })).toBe(false);
      });

      it('rejects an unknown field, a missing field, a value out of its enum and a malformed date', () => {
        const validate = loanApplied();
        const value = () => JSON.parse(applied().value);
        expect(validate.payload({ ...value(), interestRate: 600 })).toBe(false);
        expect(validate.payload.errors).toEqual([
          expect.objectContaining({ keyword: 'additionalProperties', params: { additionalProperty: 'interestRate' } }),
        ]);
        const { borrowerId: _, ...withoutBorrower } = value();
        expect(validate.payload(withoutBorrower)).toBe(false);
        expect(validate.payload.errors).toEqual([
          expect.objectContaining({ keyword: 'required', params: { missingProperty: 'borrowerId' } }),
        ]);
        expect(validate.payload({ ...value(), security: 'collateral' })).toBe(false);
        expect(validate.payload({ ...value(), appliedOn: '2026-3-2' })).toBe(false);
        expect(validate.payload({ ...value(), appliedOn: '2026-02-30' })).toBe(false);
        expect(validate.payload({ ...value(), at: 'yesterday' })).toBe(false);
      });

      it("rejects headers of another message's type, a missing hash, an extra header and a key of another aggregate", () => {
        const validate = loanApplied();
        expect(validate.headers({ ...applied().headers, ce_type: 'loanflow.loan.LoanClosed.v1' })).toBe(false);
        expect(validate.headers.errors).toEqual([expect.objectContaining({ instancePath: '/ce_type', keyword: 'const' })]);
        const { ce_eventhash: _, ...withoutHash } = applied().headers;
        expect(validate.headers(withoutHash)).toBe(false);
        expect(validate.headers({ ...applied().headers, ce_prevhash: 'ABC' })).toBe(false);
        expect(validate.headers({ ...applied().headers, ce_tenant: 'x' })).toBe(false);
        expect(validate.key('staff-ana')).toBe(false);
        expect(validate.key(applied().key)).toBe(true);
      });

      it('rejects a vote to reject with terms, a guarantor with collateral, scorecard version 0 and a half committee rule', () => {
        const recorded = (type: string, where: (data: Json) => boolean = () => true) =>
          JSON.parse(records.find((r) => r.event.type === type && where(r.event.data as Json))!.record.value);
        const vote = validatorsFor(ajvFor(), 'ApprovalVoteCast');
        const approving = recorded('ApprovalVoteCast', (d) => d.vote === 'approve');
        expect(vote.payload(approving)).toBe(true);
        expect(vote.payload({ ...approving, vote: 'reject' })).toBe(false);
        const { terms: _, ...withoutTerms } = approving;
        expect(vote.payload(withoutTerms)).toBe(false);
        expect(vote.payload({ ...approving, scorecardVersion: 0 })).toBe(false);
        expect(vote.payload({ ...approving, scorecardVersion: null })).toBe(true);

        const added = validatorsFor(ajvFor(), 'GuaranteeAdded');
        const byGuarantor = recorded('GuaranteeAdded', (d) => d.guarantee.kind === 'guarantor');
        const pledged = recorded('GuaranteeAdded', (d) => d.guarantee.kind === 'pledge');
        expect([added.payload(byGuarantor), added.payload(pledged)]).toEqual([true, true]);
        expect(added.payload({ ...byGuarantor, guarantee: { ...byGuarantor.guarantee, collateral: 'a cow' } })).toBe(false);
        const { appraiserId: ____, ...unappraised } = pledged.guarantee;
        expect(added.payload({ ...pledged, guarantee: unappraised })).toBe(false);

        const approved = recorded('LoanApproved', (d) => d.committee !== undefined);
        expect(approved.committee).toEqual({ size: 3, majority: 2, approvers: ['cy', 'fay'] });
        expect(recorded('LoanRejected', (d) => d.byCommittee === true)).toMatchObject({ stage: 'approval' });
        const settings = validatorsFor(ajvFor(), 'PolicySettingsSet');
        const { committeeMajority: __, ...halfRule } = recorded('PolicySettingsSet');
        expect(settings.payload(halfRule)).toBe(false);
        const { committeeSize: ___, ...older } = halfRule;
        expect(settings.payload(older)).toBe(true);
      });

      it('rejects an approval post without its limit and a non-approval post with one', () => {
        const validate = validatorsFor(ajvFor(), 'PostAssigned');
        const at = '2026-03-02T09:00:00.000Z';
        expect(validate.payload({ staffId: 'cy', post: 'approval', branchId: BRANCH, approvalLimit: 10_000_000, at })).toBe(true);
        expect(validate.payload({ staffId: 'cy', post: 'approval', branchId: BRANCH, at })).toBe(false);
        expect(validate.payload({ staffId: 'ana', post: 'investigation', branchId: BRANCH, approvalLimit: 1, at })).toBe(false);
      });
    });
  });
});
