import { INestApplication } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { DomainError, Loan, loanDecider, Post, POSTS, staffDecider } from '@loanflow/domain';
import { residentIdFor } from '@loanflow/domain/borrower/sample-identities';
import { actionOf, POST_ACTIONS } from '@loanflow/policy';
import { EventStore, verifyLog, WrongExpectedVersion } from '@loanflow/event-store';
import { AccessAuditLog } from '@loanflow/storage';
import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { createApp } from '../apps/api/src/app';
import { RunBorrowerCommand } from '../apps/api/src/borrowers/borrowers.handler';
import { Aggregates } from '../apps/api/src/common/aggregates';
import { RequestContext } from '../apps/api/src/common/request-context';
import { ACCESS_AUDIT, EVENT_STORE } from '../apps/api/src/common/tokens';
import { LoanIntent, RunLoanCommand } from '../apps/api/src/loans/loans.handler';
import { RunStaffCommand } from '../apps/api/src/staff/staff.handler';
import { testConfig } from './support/app';

/**
 * Random staffing and random loan commands through the real handlers, policy and SQLite store.
 * Whatever is accepted, no loan ever has one person in two of the three powers (nor an approver
 * who disbursed), no person ever holds two of the powers' posts at once, and every chain verifies.
 */
const PEOPLE = ['p0', 'p1', 'p2', 'p3', 'p4'];
const LOANS = ['a', 'b'];
const BRANCH = 'BR-P';

type Step =
  | { kind: 'assign'; person: string; post: Post }
  | { kind: 'revoke'; person: string; post: Post }
  | { kind: 'loan'; person: string; loan: string; intent: (loanId: string) => LoanIntent }
  /** The loan's natural next command, whatever its state then, by whoever is picked. */
  | { kind: 'advance'; person: string; loan: string; amount: number; byHolder: boolean };

const person = fc.constantFrom(...PEOPLE);
const loan = fc.constantFrom(...LOANS);
const post = fc.constantFrom(...POSTS);
const terms = fc.record({
  amount: fc.integer({ min: 100_000, max: 2_000_000 }),
  termMonths: fc.integer({ min: 1, max: 24 }),
  annualRateBps: fc.integer({ min: 0, max: 1200 }),
});
const application = (loanId: string): LoanIntent => ({
  type: 'ApplyForLoan',
  data: {
    loanId,
    borrowerId: 'B-P',
    branchId: BRANCH,
    purpose: 'p',
    sector: 's',
    agricultural: true,
    security: 'credit',
    amount: 2_000_000,
    termMonths: 6,
    repayment: 'equal_principal',
  },
});
const intent: fc.Arbitrary<(loanId: string) => LoanIntent> = fc.oneof(
  fc.constant(application),
  fc.tuple(fc.constantFrom('approve' as const, 'decline' as const), terms).map(([recommendation, proposedTerms]) => (): LoanIntent => ({
    type: 'CompleteInvestigation',
    data: { recommendation, findings: 'f', riskPoints: [], proposedTerms },
  })),
  fc.constantFrom('pass' as const, 'return' as const, 'reject' as const).map((opinion) => (): LoanIntent => ({
    type: 'CompleteExamination',
    data: { opinion, comments: 'c', riskPoints: [] },
  })),
  fc.tuple(fc.constantFrom('approve' as const, 'reject' as const), terms).map(([decision, t]) => (): LoanIntent => ({
    type: 'DecideApproval',
    data: { decision, terms: t, comments: 'c' },
  })),
  fc.integer({ min: 1, max: 2_000_000 }).map((amount) => (): LoanIntent => ({ type: 'DisburseLoan', data: { amount } })),
  fc.integer({ min: 1, max: 3_000_000 }).map((amount) => (): LoanIntent => ({ type: 'ReceiveRepayment', data: { amount } })),
  fc.constant((): LoanIntent => ({ type: 'RecordInspection', data: { findings: 'f', riskPoints: [], signals: [] } })),
);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('assign' as const), person, post }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('revoke' as const), person, post }) },
  {
    weight: 3,
    arbitrary: fc.tuple(person, loan, intent).map(([p, l, make]): Step => ({ kind: 'loan', person: p, loan: l, intent: make })),
  },
  {
    weight: 8,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      person,
      loan,
      amount: fc.integer({ min: 1, max: 1_500_000 }),
      byHolder: fc.boolean(),
    }),
  },
);

function nextIntent(state: Loan, loanId: string, amount: number): LoanIntent {
  const t = { amount: 1_500_000, termMonths: 6, annualRateBps: 500 };
  switch (state.status) {
    case 'none':
      return application(loanId);
    case 'applied':
      return { type: 'CompleteInvestigation', data: { recommendation: 'approve', findings: 'f', riskPoints: [], proposedTerms: t } };
    case 'investigated':
      return { type: 'CompleteExamination', data: { opinion: amount % 5 === 0 ? 'return' : 'pass', comments: 'c', riskPoints: [] } };
    case 'examined':
      return { type: 'DecideApproval', data: { decision: 'approve', terms: t, comments: 'c' } };
    case 'approved':
      return { type: 'DisburseLoan', data: { amount: t.amount } };
    default:
      return amount % 3 === 0
        ? { type: 'RecordInspection', data: { findings: 'f', riskPoints: [], signals: [] } }
        : { type: 'ReceiveRepayment', data: { amount: Math.min(amount, 400_000) } };
  }
}

const POWER_OF: Record<string, Post | undefined> = {
  LoanApplied: 'investigation',
  InvestigationCompleted: 'investigation',
  ExaminationCompleted: 'examination',
  ExaminationReturned: 'examination',
  LoanApproved: 'approval',
  LoanDisbursed: 'disbursement',
};

describe('property: no command sequence breaks the separation of duties or the chain', () => {
  let app: INestApplication;
  let bus: CommandBus;
  let store: EventStore;
  let aggregates: Aggregates;
  let run = 0;

  beforeAll(async () => {
    app = await createApp(testConfig({ sqlitePath: ':memory:' }), { logger: false });
    await app.init();
    bus = app.get(CommandBus);
    store = app.get<EventStore>(EVENT_STORE);
    aggregates = app.get(Aggregates);
  });
  afterAll(() => app.close());

  const ctx = (actorId: string, admin = false): RequestContext => ({
    actor: { id: actorId, admin },
    fingerprint: randomUUID(),
    correlationId: randomUUID(),
  });

  /** Only refusals the product means to give; anything else (a TypeError, say) fails the property. */
  const tolerate = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (error) {
      if (!(error instanceof DomainError) && !(error instanceof WrongExpectedVersion)) throw error;
    }
  };

  it('holds for random staffing and random loan commands', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.shuffledSubarray([...POSTS], { minLength: POSTS.length }),
        fc.array(step, { minLength: 5, maxLength: 50 }),
        async (initialPosts, steps) => {
          const ns = `r${run++}`;
          const id = (x: string) => `${ns}-${x}`;
          const admin = ctx('root', true);
          for (const p of [...PEOPLE, 'seed'])
            await bus.execute(new RunStaffCommand(id(p), { type: 'RegisterStaff', data: { name: p, branchId: BRANCH } }, admin));
          await bus.execute(
            new RunStaffCommand(id('seed'), { type: 'AssignPost', data: { post: 'investigation', branchId: BRANCH } }, admin),
          );
          await tolerate(
            bus.execute(
              new RunBorrowerCommand(
                'B-P',
                {
                  type: 'RegisterBorrower',
                  data: { name: 'n', kind: 'household', village: 'v', sector: 's', identityNumber: residentIdFor(1) },
                },
                ctx(id('seed')),
              ),
            ),
          );
          for (const [i, p] of PEOPLE.entries())
            await tolerate(
              bus.execute(
                new RunStaffCommand(
                  id(p),
                  {
                    type: 'AssignPost',
                    data: {
                      post: initialPosts[i],
                      branchId: BRANCH,
                      ...(initialPosts[i] === 'approval' ? { approvalLimit: 1_500_000 } : {}),
                    },
                  },
                  admin,
                ),
              ),
            );
          for (const s of steps) {
            if (s.kind === 'advance') {
              const { state } = await aggregates.load(`loan-${id(s.loan)}`, loanDecider);
              const next = nextIntent(state, id(s.loan), s.amount);
              // Half the time the act goes to someone holding the post it needs, so loans get far;
              // otherwise to anyone, so the refusals get tried.
              const holders: string[] = [];
              if (s.byHolder)
                for (const p of PEOPLE) {
                  const { state: staff } = await aggregates.load(`staff-${id(p)}`, staffDecider);
                  if (staff.posts.some((h) => POST_ACTIONS[h.post].includes(actionOf(next)))) holders.push(p);
                }
              const actor = holders.length > 0 ? holders[s.amount % holders.length] : s.person;
              await tolerate(bus.execute(new RunLoanCommand(id(s.loan), next, ctx(id(actor)))));
            } else if (s.kind === 'loan') {
              await tolerate(bus.execute(new RunLoanCommand(id(s.loan), s.intent(id(s.loan)), ctx(id(s.person)))));
            } else {
              const data =
                s.kind === 'assign'
                  ? { post: s.post, branchId: BRANCH, ...(s.post === 'approval' ? { approvalLimit: 1_500_000 } : {}) }
                  : { post: s.post };
              await tolerate(
                bus.execute(
                  new RunStaffCommand(
                    id(s.person),
                    { type: s.kind === 'assign' ? 'AssignPost' : 'RevokePost', data } as never,
                    ctx('root', true),
                  ),
                ),
              );
            }
          }
          for (const l of LOANS) {
            const powers = new Map<string, Set<Post>>();
            for (const e of await store.readStream(`loan-${id(l)}`)) {
              const post = e.type === 'LoanRejected' && (e.data as { stage: string }).stage === 'approval' ? 'approval' : POWER_OF[e.type];
              if (post) powers.set(e.metadata.actorId, (powers.get(e.metadata.actorId) ?? new Set()).add(post));
            }
            for (const [who, held] of powers) {
              const three = ['investigation', 'examination', 'approval'].filter((p) => held.has(p as Post));
              expect({ who, three }).toEqual({ who, three: three.slice(0, 1) });
              expect({ who, approvedAndDisbursed: held.has('approval') && held.has('disbursement') }).toEqual({
                who,
                approvedAndDisbursed: false,
              });
            }
          }
          for (const p of PEOPLE) {
            const posts = new Set(
              (await store.readStream(`staff-${id(p)}`)).reduce<Post[]>((held, e) => {
                const d = e.data as { post: Post };
                return e.type === 'PostAssigned' ? [...held, d.post] : e.type === 'PostRevoked' ? held.filter((x) => x !== d.post) : held;
              }, []),
            );
            expect(['investigation', 'examination', 'approval'].filter((x) => posts.has(x as Post)).length).toBeLessThanOrEqual(1);
          }
        },
      ),
      { numRuns: 200 },
    );
    // The random walks must reach the acts the rules are about, or the property proves little.
    const types = (await store.readAll(0, 1_000_000)).map((e) => e.type);
    for (const type of ['LoanApproved', 'LoanDisbursed', 'RepaymentReceived', 'ExaminationReturned', 'PostRevoked'])
      expect({ type, seen: types.includes(type) }).toEqual({ type, seen: true });
    const refused = new Set((await app.get<AccessAuditLog>(ACCESS_AUDIT).list({ limit: 1_000_000 })).map((d) => d.ruleCode));
    for (const code of ['SOD_THREE_POWERS', 'NO_POST']) expect({ code, refused: refused.has(code) }).toEqual({ code, refused: true });
    const verdict = await verifyLog(store);
    expect(verdict.breaks).toEqual([]);
    expect(verdict.events).toBeGreaterThan(500);
  });
});
