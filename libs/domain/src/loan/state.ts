import { Post } from '../staff/posts';
import { Cents } from '../money';
import { Category } from '../rules/classification';
import { InterestTerms } from '../rules/interest';
import { RepaymentMethod } from '../rules/schedule';
import { RecommendedAction, Severity, SignalRule } from '../rules/risk';
import { Rating } from '../rules/scorecard';
import { CommitteeRule, Guarantee, LoanDisbursed, LoanEvent, Security, Terms } from './events';
import { Accrual, applyPayment, Book, openBook, ScheduledInstalment } from './ledger';

/** The statuses a recorded loan can be in, in the order of its life. */
export const LOAN_STATUSES = ['applied', 'investigated', 'examined', 'approved', 'rejected', 'active', 'closed', 'written_off'] as const;
export type LoanStatus = 'none' | (typeof LOAN_STATUSES)[number];

export interface Signal {
  signalId: string;
  rule: SignalRule;
  severity: Severity;
  action: RecommendedAction;
  evidence: string;
  raisedBy: string;
  raisedOn: string;
  /** Null while the signal is open. */
  resolvedOn: string | null;
  resolution: string | null;
}

/** One recorded act on the loan: who, in which post, when, as which event. */
export interface Act {
  post: Post;
  by: string;
  at: string;
  event: LoanEvent['type'];
}

/** The system's classification at end of day is not an act of any person. */
export const SYSTEM_CLASSIFIER = 'system';

export interface Loan {
  loanId: string | null;
  status: LoanStatus;
  borrowerId: string;
  branchId: string;
  officerId: string;
  purpose: string;
  sector: string;
  agricultural: boolean;
  security: Security | null;
  requested: { amount: Cents; termMonths: number; repayment: RepaymentMethod } | null;
  proposedTerms: Terms | null;
  approvedTerms: Terms | null;
  /** Everyone who acted on the loan, per post: the dynamic separation rules read this. */
  actors: Record<Post, string[]>;
  acts: Act[];
  approvedOn: string | null;
  disbursement: { amount: Cents; disbursedOn: string; maturityDate: string; repayment: RepaymentMethod; annualRateBps: number } | null;
  schedule: ScheduledInstalment[];
  /** The running figures interest, penalty and compound interest accrue from (see ledger.ts); null before disbursement. */
  accrual: Accrual | null;
  repaid: { principal: Cents; interest: Cents; penalty: Cents; compound: Cents };
  /** Principal not yet repaid, and the instalments' interest (as planned until due) not yet paid. */
  outstanding: { principal: Cents; interest: Cents };
  lastPaidOn: string | null;
  rejection: { stage: string; by: string; reason: string } | null;
  closedOn: string | null;
  category: Category;
  /** The last category a person set: end of day keeps the loan at least this bad. */
  manualCategory: Category | null;
  classification: { category: Category; asOf: string; daysPastDue: number; by: string; reason: string } | null;
  /** The borrower's grade from the investigation, when a scorecard was in force. */
  rating: Rating | null;
  /** Every risk point any act tagged, each once, in the order first tagged. */
  riskPoints: string[];
  /** A committee's votes while a loan above every single approver's limit is being approved. */
  committee: { rule: CommitteeRule; terms: Terms | null; votes: { approverId: string; vote: 'approve' | 'reject' }[] } | null;
  guarantees: (Guarantee & { addedBy: string; addedOn: string })[];
  signals: Signal[];
  extension: { months: number; previousMaturity: string; newMaturity: string; approverId: string; extendedOn: string } | null;
  earlyRecovery: { amount: Cents; dueOn: string; demandedOn: string; demandedBy: string } | null;
  /** The claim kept off balance after a write-off (penalty: penalty and compound interest), and what was recovered of it. */
  writtenOff: {
    principal: Cents;
    interest: Cents;
    penalty: Cents;
    writtenOffOn: string;
    approvedBy: string;
    reason: string;
    recovered: { principal: Cents; interest: Cents; penalty: Cents };
    lastRecoveredOn: string | null;
  } | null;
}

/** The interest terms a disbursement fixed. */
export function interestTermsOf(d: LoanDisbursed['data']): InterestTerms {
  const { annualRateBps, dayCount, penaltySurchargeBps, earlyRepayment } = d;
  return { annualRateBps, dayCount, penaltySurchargeBps, earlyRepayment };
}

export function bookOf(s: Pick<Loan, 'loanId' | 'schedule' | 'accrual'>): Book {
  if (!s.accrual) throw new Error(`loan ${s.loanId} has not been paid out`);
  return { schedule: s.schedule, accrual: s.accrual };
}

function withBook(state: Loan, book: Book): Loan {
  const interest = book.schedule.reduce((sum, i) => sum + Math.max(0, i.interest - i.interestPaid), 0);
  return { ...state, schedule: [...book.schedule], accrual: book.accrual, outstanding: { ...state.outstanding, interest } };
}

export const openSignals = (s: Pick<Loan, 'signals'>): Signal[] => s.signals.filter((x) => x.resolvedOn === null);

export const initialLoan: Loan = {
  loanId: null,
  status: 'none',
  borrowerId: '',
  branchId: '',
  officerId: '',
  purpose: '',
  sector: '',
  agricultural: false,
  security: null,
  requested: null,
  proposedTerms: null,
  approvedTerms: null,
  actors: { investigation: [], examination: [], approval: [], disbursement: [], inspection: [] },
  acts: [],
  approvedOn: null,
  disbursement: null,
  schedule: [],
  accrual: null,
  repaid: { principal: 0, interest: 0, penalty: 0, compound: 0 },
  outstanding: { principal: 0, interest: 0 },
  lastPaidOn: null,
  rejection: null,
  closedOn: null,
  category: 'normal',
  manualCategory: null,
  classification: null,
  rating: null,
  riskPoints: [],
  committee: null,
  guarantees: [],
  signals: [],
  extension: null,
  earlyRecovery: null,
  writtenOff: null,
};

/** The risk points an act tagged: investigation, examination, a vote, approval, disbursement, inspection. */
export function riskPointsOf(event: LoanEvent): readonly string[] {
  switch (event.type) {
    case 'InvestigationCompleted':
    case 'ExaminationCompleted':
    case 'ExaminationReturned':
    case 'ApprovalVoteCast':
    case 'InspectionRecorded':
      return event.data.riskPoints;
    case 'LoanApproved':
    case 'LoanDisbursed':
      return event.data.riskPoints ?? [];
    default:
      return [];
  }
}

function tagged(state: Loan, points: readonly string[]): Loan {
  const fresh = points.filter((p, i, all) => !state.riskPoints.includes(p) && all.indexOf(p) === i);
  return fresh.length === 0 ? state : { ...state, riskPoints: [...state.riskPoints, ...fresh] };
}

function withAct(state: Loan, post: Post, by: string, at: string, event: LoanEvent['type']): Loan {
  const actors = state.actors[post].includes(by) ? state.actors : { ...state.actors, [post]: [...state.actors[post], by] };
  return { ...state, actors, acts: [...state.acts, { post, by, at, event }] };
}

/**
 * The act an event records, if any: who acted on the loan in which post. Investigation and
 * examination act on their own events and so does a committee member's vote, so neither a
 * decline nor a committee's outcome is a second act.
 */
export function actOf(event: LoanEvent): { post: Post; by: string } | null {
  switch (event.type) {
    case 'LoanApplied':
      return { post: 'investigation', by: event.data.officerId };
    case 'InvestigationCompleted':
      return { post: 'investigation', by: event.data.investigatorId };
    case 'ExaminationCompleted':
    case 'ExaminationReturned':
      return { post: 'examination', by: event.data.examinerId };
    case 'ApprovalVoteCast':
      return { post: 'approval', by: event.data.approverId };
    case 'LoanApproved':
      return event.data.committee ? null : { post: 'approval', by: event.data.approverId };
    case 'LoanRejected':
      return event.data.stage === 'approval' && !event.data.byCommittee ? { post: 'approval', by: event.data.rejectedBy } : null;
    case 'LoanDisbursed':
      return { post: 'disbursement', by: event.data.disbursedBy };
    case 'InspectionRecorded':
      return { post: 'inspection', by: event.data.inspectorId };
    case 'LoanClassified':
      return event.data.classifiedBy === SYSTEM_CLASSIFIER ? null : { post: 'inspection', by: event.data.classifiedBy };
    case 'GuaranteeAdded':
      return { post: 'investigation', by: event.data.addedBy };
    case 'EarlyRecoveryDemanded':
      return { post: 'inspection', by: event.data.demandedBy };
    case 'LoanExtended':
      return { post: 'approval', by: event.data.approverId };
    case 'LoanWrittenOff':
      return { post: 'approval', by: event.data.approvedBy };
    default:
      return null;
  }
}

export function evolveLoan(state: Loan, event: LoanEvent): Loan {
  const next = tagged(evolveFacts(state, event), riskPointsOf(event));
  const act = actOf(event);
  return act ? withAct(next, act.post, act.by, event.data.at, event.type) : next;
}

function evolveFacts(state: Loan, event: LoanEvent): Loan {
  switch (event.type) {
    case 'LoanApplied': {
      const d = event.data;
      return {
        ...state,
        loanId: d.loanId,
        status: 'applied',
        borrowerId: d.borrowerId,
        branchId: d.branchId,
        officerId: d.officerId,
        purpose: d.purpose,
        sector: d.sector,
        agricultural: d.agricultural,
        security: d.security,
        requested: { amount: d.amount, termMonths: d.termMonths, repayment: d.repayment },
      };
    }
    case 'InvestigationCompleted': {
      const d = event.data;
      return {
        ...state,
        status: 'investigated' as const,
        proposedTerms: d.proposedTerms ?? null,
        rating: d.rating ?? null,
      };
    }
    case 'ExaminationCompleted':
      return { ...state, status: event.data.opinion === 'pass' ? 'examined' : state.status };
    case 'ExaminationReturned':
      return { ...state, status: 'applied' };
    case 'InspectionRecorded':
      return state;
    case 'ApprovalVoteCast': {
      const d = event.data;
      const committee = state.committee ?? { rule: d.committee, terms: null, votes: [] };
      return {
        ...state,
        committee: {
          ...committee,
          terms: committee.terms ?? (d.vote === 'approve' ? (d.terms ?? null) : null),
          votes: [...committee.votes, { approverId: d.approverId, vote: d.vote }],
        },
      };
    }
    case 'LoanApproved':
      return { ...state, status: 'approved', approvedTerms: event.data.terms, approvedOn: event.data.approvedOn };
    case 'LoanRejected': {
      const d = event.data;
      return { ...state, status: 'rejected', rejection: { stage: d.stage, by: d.rejectedBy, reason: d.reason } };
    }
    case 'LoanDisbursed': {
      const d = event.data;
      const disbursed: Loan = {
        ...state,
        status: 'active',
        disbursement: {
          amount: d.amount,
          disbursedOn: d.disbursedOn,
          maturityDate: d.maturityDate,
          repayment: d.repayment,
          annualRateBps: d.annualRateBps,
        },
        outstanding: { principal: d.amount, interest: 0 },
      };
      return withBook(disbursed, openBook(d.schedule, interestTermsOf(d), d.repayment, d.disbursedOn));
    }
    case 'RepaymentReceived': {
      const d = event.data;
      const parts = {
        penalty: d.penalty ?? 0,
        compound: d.compound ?? 0,
        allocations: d.allocations,
        principalEarly: d.principalEarly ?? 0,
        ...(d.rescheduled ? { rescheduled: d.rescheduled } : {}),
      };
      const paid: Loan = {
        ...state,
        repaid: {
          principal: state.repaid.principal + d.principal,
          interest: state.repaid.interest + d.interest,
          penalty: state.repaid.penalty + parts.penalty,
          compound: state.repaid.compound + parts.compound,
        },
        outstanding: { ...state.outstanding, principal: state.outstanding.principal - d.principal },
        lastPaidOn: d.paidOn,
      };
      return withBook(paid, applyPayment(bookOf(state), parts, d.paidOn));
    }
    case 'LoanClassified': {
      const d = event.data;
      const next: Loan = {
        ...state,
        category: d.category,
        classification: { category: d.category, asOf: d.asOf, daysPastDue: d.daysPastDue, by: d.classifiedBy, reason: d.reason },
      };
      if (d.classifiedBy === SYSTEM_CLASSIFIER) return next;
      return { ...next, manualCategory: d.category };
    }
    case 'LoanClosed':
      return { ...state, status: 'closed', closedOn: event.data.closedOn };
    case 'RiskSignalRaised': {
      const { signalId, rule, severity, action, evidence, raisedBy, raisedOn } = event.data;
      return {
        ...state,
        signals: [...state.signals, { signalId, rule, severity, action, evidence, raisedBy, raisedOn, resolvedOn: null, resolution: null }],
      };
    }
    case 'RiskSignalResolved': {
      const { signalId, resolvedOn, resolution } = event.data;
      return { ...state, signals: state.signals.map((x) => (x.signalId === signalId ? { ...x, resolvedOn, resolution } : x)) };
    }
    case 'GuaranteeAdded': {
      const d = event.data;
      return { ...state, guarantees: [...state.guarantees, { ...d.guarantee, addedBy: d.addedBy, addedOn: d.addedOn }] };
    }
    case 'EarlyRecoveryDemanded': {
      const d = event.data;
      return { ...state, earlyRecovery: { amount: d.amount, dueOn: d.dueOn, demandedOn: d.demandedOn, demandedBy: d.demandedBy } };
    }
    case 'LoanExtended': {
      const d = event.data;
      const moved = new Set(d.moved);
      const last = Math.max(...d.moved);
      return {
        ...state,
        schedule: state.schedule.map((i) =>
          moved.has(i.n) ? { ...i, dueDate: d.newMaturity, interest: i.interest + (i.n === last ? (d.addedInterest ?? 0) : 0) } : i,
        ),
        outstanding: { ...state.outstanding, interest: state.outstanding.interest + (d.addedInterest ?? 0) },
        disbursement: state.disbursement && { ...state.disbursement, maturityDate: d.newMaturity },
        extension: {
          months: d.months,
          previousMaturity: d.previousMaturity,
          newMaturity: d.newMaturity,
          approverId: d.approverId,
          extendedOn: d.extendedOn,
        },
      };
    }
    case 'LoanWrittenOff': {
      const d = event.data;
      return {
        ...state,
        status: 'written_off',
        outstanding: { principal: 0, interest: 0 },
        writtenOff: {
          principal: d.principal,
          interest: d.interest,
          penalty: d.penalty ?? 0,
          writtenOffOn: d.writtenOffOn,
          approvedBy: d.approvedBy,
          reason: d.reason,
          recovered: { principal: 0, interest: 0, penalty: 0 },
          lastRecoveredOn: null,
        },
      };
    }
    case 'WrittenOffRecovered': {
      const d = event.data;
      const w = state.writtenOff!;
      const recovered = {
        principal: w.recovered.principal + d.principal,
        interest: w.recovered.interest + d.interest,
        penalty: w.recovered.penalty + d.penalty,
      };
      return { ...state, writtenOff: { ...w, recovered, lastRecoveredOn: d.recoveredOn } };
    }
  }
}
