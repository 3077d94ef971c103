import type { LoanEvent, Post, StaffEvent } from '@loanflow/domain';
import { borrowerRegistered } from '@loanflow/domain/testing/borrower-fixtures';
import {
  applied,
  approved,
  at,
  disbursedMonthly as disbursed,
  examined,
  investigated,
  terms,
} from '@loanflow/domain/testing/loan-fixtures';
import { AnyEvent, given, history } from '../testing/given';
import { ComplianceLoanRow, complianceProjection, ComplianceStaffRow, ViolationRow } from './projection';

// ---- helpers: a recorded log, and the runner's fold done in memory ----

/** Each event occurs a minute after the one before: acts and findings carry the recorded instant, not the event's `at`. */
const occurred = (position: number) => new Date(Date.parse('2026-03-02T08:00:00.000Z') + position * 60_000).toISOString();

/** A history in commit order, each event a minute after the one before. */
const log = (...entries: [streamId: string, event: AnyEvent, actorId: string][]) =>
  history(entries, { times: (position) => ({ occurredAt: occurred(position), recordedAt: occurred(position) }) });

const compliance = (...entries: [string, AnyEvent, string][]) => given(complianceProjection, log(...entries));
const violations = (g: ReturnType<typeof given>) => g.rows<ViolationRow>('rm_violations');

// ---- the cooperative: staff at branch BR, and the fixture loan's acts ----

const hired = '2026-01-05T08:00:00.000Z';

const registered = (staffId: string, name: string): StaffEvent => ({
  type: 'StaffRegistered',
  data: { staffId, name, branchId: 'BR', at: hired },
});
const assigned = (staffId: string, post: Post, more: { branchId?: string; approvalLimit?: number; at?: string } = {}): StaffEvent => ({
  type: 'PostAssigned',
  data: {
    staffId,
    post,
    branchId: more.branchId ?? 'BR',
    at: more.at ?? hired,
    ...(more.approvalLimit ? { approvalLimit: more.approvalLimit } : {}),
  },
});
const revoked = (staffId: string, post: Post, at: string): StaffEvent => ({
  type: 'PostRevoked',
  data: { staffId, post, branchIds: ['BR'], at },
});
const related = (staffId: string, borrowerId: string, relation: 'sibling' | 'spouse'): StaffEvent => ({
  type: 'RelationDeclared',
  data: { staffId, borrowerId, relation, at: hired },
});

/** A staff event, recorded as the administrator's. */
const staff = (e: StaffEvent): [string, AnyEvent, string] => [`staff-${e.data.staffId}`, e, 'admin'];
/** A loan event, recorded as `actorId`'s act. */
const act = (e: AnyEvent, actorId: string): [string, AnyEvent, string] => [`loan-${(e.data as { loanId: string }).loanId}`, e, actorId];

/** ana takes applications and investigates, bo examines, cy approves up to 20,000.00, dan pays out, ines inspects. */
const team = [
  registered('ana', 'Ana'),
  assigned('ana', 'investigation'),
  registered('bo', 'Bo'),
  assigned('bo', 'examination'),
  registered('cy', 'Cy'),
  assigned('cy', 'approval', { approvalLimit: 2_000_000 }),
  registered('dan', 'Dan'),
  assigned('dan', 'disbursement'),
  registered('ines', 'Ines'),
  assigned('ines', 'inspection'),
].map(staff);
// Positions 0..9 are the team; the loan's events start at 10.
const L0 = team.length;

const repaid: LoanEvent = {
  type: 'RepaymentReceived',
  data: {
    loanId: 'L',
    receivedBy: 'dan',
    amount: 106_000,
    paidOn: '2026-04-02',
    interest: 6_000,
    principal: 100_000,
    allocations: [{ n: 1, interest: 6_000, principal: 100_000 }],
    at,
  },
};
const classified = (by: string): LoanEvent => ({
  type: 'LoanClassified',
  data: {
    loanId: 'L',
    category: 'special_mention',
    previous: 'normal',
    daysPastDue: 5,
    floor: 'special_mention',
    asOf: '2026-04-07',
    classifiedBy: by,
    reason: 'late',
    at,
  },
});
const inspected: LoanEvent = {
  type: 'InspectionRecorded',
  data: { loanId: 'L', inspectorId: 'ines', findings: 'f', riskPoints: [], signals: [], at },
};

/** The fixture loan, every act by someone who may do it. */
const cleanHistory = [
  ...team,
  act(applied, 'ana'),
  act(investigated, 'ana'),
  act(examined, 'bo'),
  act(approved, 'cy'),
  act(disbursed, 'dan'),
  act(repaid, 'dan'),
  act(classified('system'), 'system'),
  act(inspected, 'ines'),
  act(classified('ines'), 'ines'),
];

describe('compliance projection: given events, the rows', () => {
  describe('rm_compliance_staff', () => {
    it('StaffRegistered and PostAssigned: the staff record with its posts', () => {
      const g = compliance(staff(registered('cy', 'Cy')), staff(assigned('cy', 'approval', { approvalLimit: 2_000_000 })));
      expect(g.rows<ComplianceStaffRow>('rm_compliance_staff')).toEqual([
        {
          staff_id: 'cy',
          staff: {
            staffId: 'cy',
            name: 'Cy',
            branchId: 'BR',
            posts: [{ post: 'approval', branchId: 'BR', approvalLimit: 2_000_000, since: hired }],
            relations: [],
            postHistory: [{ post: 'approval', branchId: 'BR', approvalLimit: 2_000_000, since: hired }],
          },
        },
      ]);
    });

    it('PostRevoked closes the post in the history; RelationDeclared records the relation', () => {
      const rotated = '2026-06-01T08:00:00.000Z';
      const g = compliance(
        staff(registered('ana', 'Ana')),
        staff(assigned('ana', 'investigation')),
        staff(revoked('ana', 'investigation', rotated)),
        staff(assigned('ana', 'inspection', { at: rotated })),
        staff(related('ana', 'B', 'spouse')),
      );
      expect(g.row<ComplianceStaffRow>('rm_compliance_staff', 'ana')).toEqual({
        staff_id: 'ana',
        staff: {
          staffId: 'ana',
          name: 'Ana',
          branchId: 'BR',
          posts: [{ post: 'inspection', branchId: 'BR', since: rotated }],
          relations: [{ borrowerId: 'B', relation: 'spouse' }],
          postHistory: [
            { post: 'investigation', branchId: 'BR', since: hired, until: rotated },
            { post: 'inspection', branchId: 'BR', since: rotated },
          ],
        },
      });
      expect(violations(g)).toEqual([]);
      expect(g.rows('rm_compliance_loans')).toEqual([]);
    });

    it('keeps one row per staff stream', () => {
      const g = compliance(...team);
      expect(g.rows<ComplianceStaffRow>('rm_compliance_staff').map((r) => [r.staff_id, r.staff.posts.map((p) => p.post)])).toEqual([
        ['ana', ['investigation']],
        ['bo', ['examination']],
        ['cy', ['approval']],
        ['dan', ['disbursement']],
        ['ines', ['inspection']],
      ]);
    });

    it("passes over a type the domain does not define on a staff stream (a newer writer's): the record stays as it was", () => {
      const before = compliance(...team);
      const after = compliance(...team, ['staff-ana', { type: 'Tick', data: { n: 1 } }, 'ana']);
      expect(after.rows('rm_compliance_staff')).toEqual(before.rows('rm_compliance_staff'));
    });
  });

  describe('rm_compliance_loans', () => {
    it('folds every act into the loan as the policy sees it: actors per post, acts with their positions', () => {
      const g = compliance(...cleanHistory);
      const act = (post: Post, by: string, event: string, position: number) => ({ post, by, at: occurred(position), event, position });
      expect(g.rows<ComplianceLoanRow>('rm_compliance_loans')).toEqual([
        {
          loan_id: 'L',
          subject: {
            kind: 'Loan',
            loanId: 'L',
            branchId: 'BR',
            borrowerId: 'B',
            actors: { investigation: ['ana'], examination: ['bo'], approval: ['cy'], disbursement: ['dan'], inspection: ['ines'] },
            // The repayment (L0 + 5) and the system's classification (L0 + 6) are no acts.
            acts: [
              act('investigation', 'ana', 'LoanApplied', L0),
              act('investigation', 'ana', 'InvestigationCompleted', L0 + 1),
              act('examination', 'bo', 'ExaminationCompleted', L0 + 2),
              act('approval', 'cy', 'LoanApproved', L0 + 3),
              act('disbursement', 'dan', 'LoanDisbursed', L0 + 4),
              act('inspection', 'ines', 'InspectionRecorded', L0 + 7),
              act('inspection', 'ines', 'LoanClassified', L0 + 8),
            ],
          },
        },
      ]);
    });

    it('a rejection at approval is the approver’s act; at investigation it is none', () => {
      const atApproval: LoanEvent = { type: 'LoanRejected', data: { loanId: 'L', stage: 'approval', rejectedBy: 'cy', reason: 'r', at } };
      const atInvestigation: LoanEvent = {
        type: 'LoanRejected',
        data: { loanId: 'L', stage: 'investigation', rejectedBy: 'ana', reason: 'r', at },
      };
      const byApprover = compliance(...team, act(applied, 'ana'), act(investigated, 'ana'), act(examined, 'bo'), act(atApproval, 'cy'));
      expect(byApprover.row<ComplianceLoanRow>('rm_compliance_loans', 'L')!.subject.acts.map((a) => [a.event, a.by])).toEqual([
        ['LoanApplied', 'ana'],
        ['InvestigationCompleted', 'ana'],
        ['ExaminationCompleted', 'bo'],
        ['LoanRejected', 'cy'],
      ]);
      expect(violations(byApprover)).toEqual([]);
      const byInvestigator = compliance(...team, act(applied, 'ana'), act(atInvestigation, 'ana'));
      expect(byInvestigator.row<ComplianceLoanRow>('rm_compliance_loans', 'L')!.subject.acts.map((a) => a.event)).toEqual(['LoanApplied']);
    });
  });

  describe('rm_violations', () => {
    it('no row for a clean history (the system’s classification is judged as no act)', () => {
      expect(violations(compliance(...cleanHistory))).toEqual([]);
    });

    it('SOD_THREE_POWERS, critical, when the investigator approves: the earlier acts are the actor’s', () => {
      // ana investigates, is rotated to approval, and approves the loan she investigated.
      const rotated = '2026-03-02T12:00:00.000Z';
      const g = compliance(
        ...team,
        act(applied, 'ana'), // L0
        act(investigated, 'ana'), // L0 + 1
        act(examined, 'bo'), // L0 + 2
        staff(revoked('ana', 'investigation', rotated)),
        staff(assigned('ana', 'approval', { approvalLimit: 5_000_000, at: rotated })),
        act({ ...approved, data: { ...approved.data, approverId: 'ana' } }, 'ana'), // L0 + 5
      );
      expect(violations(g)).toEqual([
        {
          position: L0 + 5,
          loan_id: 'L',
          staff_id: 'ana',
          action: 'approve',
          rule_code: 'SOD_THREE_POWERS',
          severity: 'critical',
          detail: `Ana (ana) may not approve loan L: ana already acted on it in investigation (LoanApplied at ${occurred(L0)}), and no person may hold two of investigation, examination and approval on one loan.`,
          at: occurred(L0 + 5),
          event_type: 'LoanApproved',
          earlier_positions: [L0, L0 + 1],
        },
      ]);
    });

    it('SOD_FIVE_POSTS, high, when the approver pays the loan out (the default matrix separates approval and disbursement)', () => {
      const g = compliance(
        ...team,
        staff(assigned('cy', 'disbursement')), // L0
        act(applied, 'ana'),
        act(investigated, 'ana'),
        act(examined, 'bo'),
        act(approved, 'cy'), // L0 + 4
        act({ ...disbursed, data: { ...disbursed.data, disbursedBy: 'cy' } }, 'cy'), // L0 + 5
      );
      expect(violations(g)).toEqual([
        expect.objectContaining({
          position: L0 + 5,
          staff_id: 'cy',
          action: 'disburse',
          rule_code: 'SOD_FIVE_POSTS',
          severity: 'high',
          earlier_positions: [L0 + 4],
        }),
      ]);
    });

    it('CONFLICT_OF_INTEREST, critical, when the actor declared a relation to the borrower before acting; not for a relation declared after', () => {
      const before = compliance(
        ...team,
        staff(related('bo', 'B', 'sibling')),
        act(applied, 'ana'),
        act(investigated, 'ana'),
        act(examined, 'bo'),
      );
      expect(violations(before)).toEqual([
        {
          position: L0 + 3,
          loan_id: 'L',
          staff_id: 'bo',
          action: 'examine',
          rule_code: 'CONFLICT_OF_INTEREST',
          severity: 'critical',
          detail: "Bo (bo) may not examine loan L: its borrower B is bo's declared sibling.",
          at: occurred(L0 + 3),
          event_type: 'ExaminationCompleted',
          earlier_positions: [],
        },
      ]);
      const after = compliance(
        ...team,
        act(applied, 'ana'),
        act(investigated, 'ana'),
        act(examined, 'bo'),
        staff(related('bo', 'B', 'sibling')),
      );
      expect(violations(after)).toEqual([]);
    });

    it('NO_POST, medium, when the actor held no post at the loan’s branch then; a later act, once the post is assigned, is clean', () => {
      // eve examines at BR2 only; she returns the loan at BR, then is given examination at BR and passes it.
      const returned: LoanEvent = {
        type: 'ExaminationReturned',
        data: { loanId: 'L', examinerId: 'eve', comments: 'c', riskPoints: [], at },
      };
      const g = compliance(
        ...team,
        staff(registered('eve', 'Eve')), // L0
        staff(assigned('eve', 'examination', { branchId: 'BR2' })), // L0 + 1
        act(applied, 'ana'), // L0 + 2
        act(investigated, 'ana'), // L0 + 3
        act(returned, 'eve'), // L0 + 4
        staff(assigned('eve', 'examination')), // L0 + 5
        act(investigated, 'ana'), // L0 + 6
        act({ ...examined, data: { ...examined.data, examinerId: 'eve' } }, 'eve'), // L0 + 7
      );
      expect(violations(g)).toEqual([
        {
          position: L0 + 4,
          loan_id: 'L',
          staff_id: 'eve',
          action: 'examine',
          rule_code: 'NO_POST',
          severity: 'medium',
          detail: 'Eve (eve) may not examine loan L: eve holds no post at branch BR that allows it.',
          at: occurred(L0 + 4),
          event_type: 'ExaminationReturned',
          earlier_positions: [],
        },
      ]);
      // A revoked post no longer allows the act: the record as it stands at the act decides.
      const afterRevocation = compliance(...team, staff(revoked('dan', 'disbursement', at)), ...cleanHistory.slice(L0));
      expect(violations(afterRevocation).map((v) => [v.position, v.staff_id, v.action, v.rule_code])).toEqual([
        [L0 + 5, 'dan', 'disburse', 'NO_POST'],
        [L0 + 6, 'dan', 'repay', 'NO_POST'],
      ]);
    });

    it('ABOVE_AUTHORITY, high, when the approved terms exceed the approver’s limit', () => {
      const g = compliance(
        ...team,
        staff(registered('cyd', 'Cyd')), // L0
        staff(assigned('cyd', 'approval', { approvalLimit: 1_000_000 })), // L0 + 1
        act(applied, 'ana'),
        act(investigated, 'ana'),
        act(examined, 'bo'),
        act({ ...approved, data: { ...approved.data, approverId: 'cyd' } }, 'cyd'), // L0 + 5, terms of 1,200,000
      );
      expect(terms.amount).toBe(1_200_000);
      expect(violations(g)).toEqual([
        {
          position: L0 + 5,
          loan_id: 'L',
          staff_id: 'cyd',
          action: 'approve',
          rule_code: 'ABOVE_AUTHORITY',
          severity: 'high',
          detail: "Cyd (cyd) may not approve loan L for 12,000.00: cyd's approval limit at branch BR is 10,000.00.",
          at: occurred(L0 + 5),
          event_type: 'LoanApproved',
          earlier_positions: [],
        },
      ]);
      // Within the limit (cy's 20,000.00) it is clean: see the clean history.
    });

    it('NOT_STAFF, high, for an act by an id the registry does not know', () => {
      const byZed = { ...disbursed, data: { ...disbursed.data, disbursedBy: 'zed' } };
      const g = compliance(
        ...team,
        act(applied, 'ana'),
        act(investigated, 'ana'),
        act(examined, 'bo'),
        act(approved, 'cy'),
        act(byZed, 'zed'),
      );
      expect(violations(g)).toEqual([
        {
          position: L0 + 4,
          loan_id: 'L',
          staff_id: 'zed',
          action: 'disburse',
          rule_code: 'NOT_STAFF',
          severity: 'high',
          detail: 'zed is not in the staff registry and may not disburse loan L.',
          at: occurred(L0 + 4),
          event_type: 'LoanDisbursed',
          earlier_positions: [],
        },
      ]);
    });

    it('judges the act by the recorded actor (metadata.actorId), not by the name in the event’s data', () => {
      // The data names dan, the registered disburser; the command was put through by zed.
      const g = compliance(
        ...team,
        act(applied, 'ana'),
        act(investigated, 'ana'),
        act(examined, 'bo'),
        act(approved, 'cy'),
        act(disbursed, 'zed'),
      );
      expect(disbursed.data).toMatchObject({ disbursedBy: 'dan' });
      expect(violations(g).map((v) => [v.staff_id, v.rule_code])).toEqual([['zed', 'NOT_STAFF']]);
      // and the act itself is the data's: the loan shows dan in disbursement.
      expect(g.row<ComplianceLoanRow>('rm_compliance_loans', 'L')!.subject.actors.disbursement).toEqual(['dan']);
    });

    it('events of other streams are judged as no acts', () => {
      const g = compliance(
        ...team,
        ['borrower-B', borrowerRegistered('B', 'zed', at), 'zed'],
        [
          'config-policy-settings',
          { type: 'PolicySettingsSet', data: { rotationTenureMonths: 36, inspectionIntervalDays: 90, by: 'zed', at } },
          'zed',
        ],
      );
      expect(violations(g)).toEqual([]);
      expect(g.rows('rm_compliance_loans')).toEqual([]);
      expect(g.rows('rm_compliance_staff')).toHaveLength(5);
    });
  });
});
