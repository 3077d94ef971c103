import { Act, actOf, EVENT_TYPES, evolveStaff, initialStaff, LoanEvent, Post, Staff, StaffEvent } from '@loanflow/domain';
import { RecordedEvent } from '@loanflow/event-store';
import {
  Actor,
  AppAbility,
  ConflictMatrix,
  defineAbilityFor,
  LoanAction,
  LoanSubject,
  refusalOf,
  RuleCode,
  StaffRegistry,
} from '@loanflow/policy';
import { Lookup, Projection, TableProjection } from '../projection';

export type Severity = 'critical' | 'high' | 'medium';

/** How grave each broken rule is: acting in two powers or for oneself is the worst. */
export const SEVERITY: Partial<Record<RuleCode, Severity>> = {
  [RuleCode.SOD_THREE_POWERS]: 'critical',
  [RuleCode.CONFLICT_OF_INTEREST]: 'critical',
  [RuleCode.SOD_FIVE_POSTS]: 'high',
  [RuleCode.ABOVE_AUTHORITY]: 'high',
  [RuleCode.ADMIN_SEPARATION]: 'high',
  [RuleCode.NOT_STAFF]: 'high',
  [RuleCode.NO_POST]: 'medium',
  [RuleCode.WRITE_OFF_NOT_INDEPENDENT]: 'critical',
  [RuleCode.EXTENSION_SAME_APPROVER]: 'high',
};

export interface ComplianceStaffRow extends Record<string, unknown> {
  staff_id: string;
  staff: Staff;
}

/** A loan as the policy sees it before each act, with where each act is in the log. */
export interface ComplianceLoanRow extends Record<string, unknown> {
  loan_id: string;
  subject: Omit<LoanSubject, 'approvalAmount'> & { acts: (Act & { position: number })[] };
}

/** One past act the current policy refuses. */
export interface ViolationRow extends Record<string, unknown> {
  position: number;
  loan_id: string;
  staff_id: string;
  action: string;
  rule_code: string;
  severity: Severity;
  detail: string;
  at: string;
  event_type: string;
  /** Positions of the earlier acts the rule weighs against this one (empty when none). */
  earlier_positions: number[];
}

/** The action each loan event records, as the live policy names it. */
export function actionOfEvent(event: LoanEvent): LoanAction | 'classify' | null {
  switch (event.type) {
    case 'LoanApplied':
      return 'apply';
    case 'InvestigationCompleted':
      return 'investigate';
    case 'ExaminationCompleted':
    case 'ExaminationReturned':
      return 'examine';
    case 'ApprovalVoteCast':
      return 'approve';
    // A committee's outcome is its members' votes, each judged on its own.
    case 'LoanApproved':
      return event.data.committee ? null : 'approve';
    case 'LoanRejected':
      return event.data.stage === 'approval' && !event.data.byCommittee ? 'approve' : null;
    case 'LoanDisbursed':
      return 'disburse';
    case 'RepaymentReceived':
      return 'repay';
    case 'InspectionRecorded':
      return 'inspect';
    case 'LoanClassified':
      return event.data.classifiedBy === 'system' ? null : 'classify';
    case 'GuaranteeAdded':
      return 'addGuarantee';
    case 'EarlyRecoveryDemanded':
      return 'demandRecovery';
    case 'LoanExtended':
      return 'extend';
    case 'LoanWrittenOff':
      return 'writeOff';
    default:
      return null;
  }
}

const matrix = new ConflictMatrix();
// Abilities depend only on the actor's staff record, which changes rarely: build each once.
const abilities = new WeakMap<Staff, AppAbility>();
const NOBODY: Staff = initialStaff;

function abilityFor(actor: Actor, staff: Staff | null, registry: StaffRegistry): AppAbility {
  const key = staff ?? NOBODY;
  let ability = abilities.get(key);
  if (!ability || staff === null) {
    ability = defineAbilityFor(actor, registry);
    if (staff) abilities.set(key, ability);
  }
  return ability;
}

const loanIdOf = (e: RecordedEvent) => e.streamId.slice('loan-'.length);

/** The policy's verdict on one recorded act, judged on the loan and the actor's record as they were just before it. */
export function violationOf(recorded: RecordedEvent, lookup: Lookup): ViolationRow | null {
  const event = recorded as unknown as LoanEvent;
  const action = actionOfEvent(event);
  if (!action) return null;
  const loanId = loanIdOf(recorded);
  const before = lookup.get<ComplianceLoanRow>('rm_compliance_loans', loanId)?.subject;
  const subject: LoanSubject =
    event.type === 'LoanApplied'
      ? {
          kind: 'Loan',
          loanId,
          branchId: event.data.branchId,
          borrowerId: event.data.borrowerId,
          actors: { investigation: [], examination: [], approval: [], disbursement: [], inspection: [] },
          acts: [],
        }
      : before
        ? { ...before, kind: 'Loan' }
        : {
            kind: 'Loan',
            loanId,
            branchId: '',
            borrowerId: '',
            actors: { investigation: [], examination: [], approval: [], disbursement: [], inspection: [] },
            acts: [],
          };
  if (event.type === 'LoanApproved' && !event.data.committee) subject.approvalAmount = event.data.terms.amount;
  const actor: Actor = { id: recorded.metadata.actorId, admin: false };
  const staff = lookup.get<ComplianceStaffRow>('rm_compliance_staff', actor.id)?.staff ?? null;
  const registry: StaffRegistry = { staff: (id) => (id === actor.id ? staff : null), matrix };
  const refusal = refusalOf(abilityFor(actor, staff, registry), registry, actor, action as LoanAction, subject);
  if (!refusal) return null;
  const acts = ((before?.acts ?? []) as (Act & { position: number })[]).filter((a) => a.by === actor.id);
  return {
    position: recorded.globalPosition,
    loan_id: loanId,
    staff_id: actor.id,
    action,
    rule_code: refusal.code,
    severity: SEVERITY[refusal.code] ?? 'medium',
    detail: refusal.detail,
    at: recorded.metadata.occurredAt,
    event_type: recorded.type,
    earlier_positions:
      refusal.code === RuleCode.SOD_THREE_POWERS || refusal.code === RuleCode.SOD_FIVE_POSTS ? acts.map((a) => a.position) : [],
  };
}

const violations: TableProjection<ViolationRow> = {
  table: {
    name: 'rm_violations',
    columns: {
      position: 'bigint',
      loan_id: 'text',
      staff_id: 'text',
      action: 'text',
      rule_code: 'text',
      severity: 'text',
      detail: 'text',
      at: 'text',
      event_type: 'text',
      earlier_positions: 'json',
    },
    primaryKey: ['position'],
    indexes: [['staff_id'], ['loan_id']],
    keyOf: (r) => String(r.position),
    appendOnly: true,
  },
  keys: (e) => (e.streamId.startsWith('loan-') ? [String(e.globalPosition)] : []),
  evolve: (_row, e, _key, lookup) => violationOf(e, lookup),
};

const loans: TableProjection<ComplianceLoanRow> = {
  table: {
    name: 'rm_compliance_loans',
    columns: { loan_id: 'text', subject: 'json' },
    primaryKey: ['loan_id'],
    keyOf: (r) => r.loan_id,
  },
  keys: (e) => (e.streamId.startsWith('loan-') && (e.type === 'LoanApplied' || actOf(e as unknown as LoanEvent)) ? [loanIdOf(e)] : []),
  evolve: (row, recorded) => {
    const event = recorded as unknown as LoanEvent;
    const subject =
      event.type === 'LoanApplied'
        ? {
            kind: 'Loan' as const,
            loanId: event.data.loanId,
            branchId: event.data.branchId,
            borrowerId: event.data.borrowerId,
            actors: { investigation: [], examination: [], approval: [], disbursement: [], inspection: [] } as Record<Post, string[]>,
            acts: [],
          }
        : row?.subject;
    const act = actOf(event);
    if (!subject || !act) return row;
    return {
      loan_id: subject.loanId,
      subject: {
        ...subject,
        actors: subject.actors[act.post].includes(act.by)
          ? subject.actors
          : { ...subject.actors, [act.post]: [...subject.actors[act.post], act.by] },
        acts: [
          ...subject.acts,
          { post: act.post, by: act.by, at: recorded.metadata.occurredAt, event: event.type, position: recorded.globalPosition },
        ],
      },
    };
  },
};

const staff: TableProjection<ComplianceStaffRow> = {
  table: {
    name: 'rm_compliance_staff',
    columns: { staff_id: 'text', staff: 'json' },
    primaryKey: ['staff_id'],
    keyOf: (r) => r.staff_id,
  },
  // Only the staff events the domain defines: a type it does not know (a newer writer's) changes no record.
  keys: (e) => (e.streamId.startsWith('staff-') && EVENT_TYPES.staff.includes(e.type) ? [e.streamId.slice('staff-'.length)] : []),
  evolve: (row, e) => {
    const next = evolveStaff(row?.staff ?? initialStaff, e as unknown as StaffEvent);
    return next.staffId ? { staff_id: next.staffId, staff: next } : row;
  },
};

/**
 * Separation-of-duties findings: every loan act re-judged by the live policy (libs/policy) as the
 * loan and the actor's staff record stood just before it. Raise the version when the policy's
 * rules change, and the whole history is judged again by the new rules.
 */
export const complianceProjection: Projection = {
  name: 'compliance',
  version: 2,
  // The verdict reads the loan and staff as they were before the act, so it goes first.
  tables: [violations, loans, staff],
};
