import { Event } from '../decider';
import { Bps, Cents } from '../money';
import { Category } from '../rules/classification';
import { RecommendedAction, Severity, SignalRule } from '../rules/risk';
import { Rating } from '../rules/scorecard';
import { DayCount, EarlyRepayment } from '../rules/interest';
import { Instalment, RepaymentMethod } from '../rules/schedule';

export type Security = 'credit' | 'guaranteed' | 'mortgage' | 'pledge';
export const SECURITIES: readonly Security[] = ['credit', 'guaranteed', 'mortgage', 'pledge'];

export interface Terms {
  amount: Cents;
  termMonths: number;
  annualRateBps: Bps;
  /** What a partial early repayment does to the instalments to come; `shorten_term` when not said. */
  earlyRepayment?: EarlyRepayment;
  /** The loan's day count when its product differs from the cooperative's (money rules). */
  dayCount?: Exclude<DayCount, '30/360'>;
}

/** What a borrower asks for, as the account officer takes it down. */
export type Application = {
  loanId: string;
  borrowerId: string;
  branchId: string;
  purpose: string;
  sector: string;
  agricultural: boolean;
  security: Security;
  amount: Cents;
  termMonths: number;
  repayment: RepaymentMethod;
};

export type LoanApplied = Event<
  'LoanApplied',
  Application & {
    /** The account officer who took the application: an act of the investigation power. */
    officerId: string;
    /** The business date of the application at the cooperative. */
    appliedOn: string;
    at: string;
  }
>;
export type InvestigationCompleted = Event<
  'InvestigationCompleted',
  {
    loanId: string;
    investigatorId: string;
    recommendation: 'approve' | 'decline';
    findings: string;
    riskPoints: string[];
    proposedTerms?: Terms;
    /** The borrower's grade on the scorecard in force, when one is set; its version is inside. */
    rating?: Rating;
    at: string;
  }
>;
/** The scorecard version a decision relied on: the one the borrower was rated with, null when unrated. */
type ScorecardUsed = { scorecardVersion?: number | null };

export type ExaminationCompleted = Event<
  'ExaminationCompleted',
  { loanId: string; examinerId: string; opinion: 'pass' | 'reject'; comments: string; riskPoints: string[]; at: string } & ScorecardUsed
>;
/** The examiner sends the loan back for further investigation. */
export type ExaminationReturned = Event<
  'ExaminationReturned',
  { loanId: string; examinerId: string; comments: string; riskPoints: string[]; at: string } & ScorecardUsed
>;
/** How many approvers a committee has and how many approvals carry it. */
export interface CommitteeRule {
  size: number;
  majority: number;
}
/**
 * The approval. A single approver within their limit, or a committee's: then `approverId` is the
 * member whose vote reached the majority and `committee` names every member who approved.
 */
export type LoanApproved = Event<
  'LoanApproved',
  {
    loanId: string;
    approverId: string;
    terms: Terms;
    comments: string;
    approvedOn: string;
    riskPoints?: string[];
    committee?: CommitteeRule & { approvers: string[] };
    at: string;
  } & ScorecardUsed
>;
/** One committee member's vote on a loan above every single approver's limit. */
export type ApprovalVoteCast = Event<
  'ApprovalVoteCast',
  {
    loanId: string;
    approverId: string;
    vote: 'approve' | 'reject';
    /** The terms voted on: the first approving vote sets them, later approvals agree to them. */
    terms?: Terms;
    comments: string;
    riskPoints: string[];
    committee: CommitteeRule;
    at: string;
  } & ScorecardUsed
>;
export type LoanRejected = Event<
  'LoanRejected',
  {
    loanId: string;
    stage: 'investigation' | 'examination' | 'approval';
    rejectedBy: string;
    reason: string;
    /** A committee's rejection: its members' votes are the acts, `rejectedBy` cast the deciding one. */
    byCommittee?: boolean;
    at: string;
  } & ScorecardUsed
>;
export type LoanDisbursed = Event<
  'LoanDisbursed',
  {
    loanId: string;
    disbursedBy: string;
    amount: Cents;
    disbursedOn: string;
    annualRateBps: Bps;
    termMonths: number;
    repayment: RepaymentMethod;
    maturityDate: string;
    /** The contractual schedule as agreed at disbursement: auditors read it as it was. */
    schedule: Instalment[];
    riskPoints?: string[];
    /**
     * How interest accrues, fixed at disbursement (schema version 2). Loans disbursed before
     * interest accrued by the day (version 1) read through the upcaster as `30/360` (their
     * recorded instalments' interest stands), no penalty surcharge (null: no penalty or compound
     * interest), `shorten_term`, and no money rules' version.
     */
    dayCount: DayCount;
    penaltySurchargeBps: number | null;
    earlyRepayment: EarlyRepayment;
    /** The version of the money rules (config-money-rules) the day count and surcharge came from; -1: the defaults; null: before they existed. */
    moneyRulesVersion: number | null;
    at: string;
  }
>;
export interface Allocation {
  n: number;
  interest: Cents;
  principal: Cents;
}
export type RepaymentReceived = Event<
  'RepaymentReceived',
  {
    loanId: string;
    receivedBy: string;
    amount: Cents;
    paidOn: string;
    interest: Cents;
    principal: Cents;
    /** Interest and principal paid on each instalment: those due, then the current period's accrued interest. */
    allocations: Allocation[];
    /** Penalty interest on overdue principal and compound interest on unpaid interest; absent (0) on older payments. */
    penalty?: Cents;
    compound?: Cents;
    /** Principal paid before it fell due: the instalments to come are re-planned as `rescheduled`. */
    principalEarly?: Cents;
    rescheduled?: Instalment[];
    at: string;
  }
>;
export type InspectionRecorded = Event<
  'InspectionRecorded',
  { loanId: string; inspectorId: string; findings: string; riskPoints: string[]; signals: string[]; at: string }
>;
/**
 * The loan's category changed: at end of day by the days-past-due floor (`classifiedBy` is
 * `system`), or by an inspector's judgement (their staff id), never better than the floor.
 */
export type LoanClassified = Event<
  'LoanClassified',
  {
    loanId: string;
    category: Category;
    previous: Category;
    daysPastDue: number;
    /** The best category the days past due allowed on `asOf`. */
    floor: Category;
    /** The business date the classification is as of. */
    asOf: string;
    classifiedBy: string;
    reason: string;
    at: string;
  }
>;
export type LoanClosed = Event<'LoanClosed', { loanId: string; closedOn: string; at: string }>;

/** A warning about the loan: which rule, how grave, what shows it, and what to do. */
export type RiskSignalRaised = Event<
  'RiskSignalRaised',
  {
    loanId: string;
    /** `S1`, `S2`, ... in the order raised on the loan. */
    signalId: string;
    rule: SignalRule;
    severity: Severity;
    evidence: string;
    action: RecommendedAction;
    /** `system` at end of day, else the inspector who flagged it. */
    raisedBy: string;
    raisedOn: string;
    at: string;
  }
>;
export type RiskSignalResolved = Event<
  'RiskSignalResolved',
  { loanId: string; signalId: string; rule: SignalRule; resolution: string; resolvedBy: string; resolvedOn: string; at: string }
>;

export type GuaranteeKind = 'guarantor' | 'mortgage' | 'pledge';
export const GUARANTEE_KINDS: readonly GuaranteeKind[] = ['guarantor', 'mortgage', 'pledge'];

/** A guarantor (a registered borrower) vouches for the loan, or collateral is pledged, as appraised. */
export interface Guarantee {
  kind: GuaranteeKind;
  /** For a guarantor: their borrower id. */
  guarantorId?: string;
  /** For collateral: what it is (land-use right, machinery, deposit receipt...). */
  collateral?: string;
  /** Cents: the guarantor's vouched amount, or the collateral's appraised value. */
  value: Cents;
  /** For collateral: who appraised it; never the officer who adds it. */
  appraiserId?: string;
}

export type GuaranteeAdded = Event<
  'GuaranteeAdded',
  { loanId: string; guarantee: Guarantee; addedBy: string; addedOn: string; at: string }
>;
/**
 * The cooperative demands the loan back before maturity: `amount` is the principal still owed and
 * the unpaid interest of the instalments due by `dueOn`.
 */
export type EarlyRecoveryDemanded = Event<
  'EarlyRecoveryDemanded',
  { loanId: string; amount: Cents; dueOn: string; reason: string; demandedBy: string; demandedOn: string; at: string }
>;
/** The maturity moves later, re-approved by an approver other than the one who approved the loan. */
export type LoanExtended = Event<
  'LoanExtended',
  {
    loanId: string;
    months: number;
    previousMaturity: string;
    newMaturity: string;
    /** The instalments whose due date moved (those due at the old maturity). */
    moved: number[];
    /** The interest the longer last period adds, on the last moved instalment; absent (0) on older extensions. */
    addedInterest?: Cents;
    approverId: string;
    reason: string;
    extendedOn: string;
    at: string;
  }
>;
/** What is still owed is taken off the books as a loss, approved by someone independent of the loan. */
/**
 * What is still owed is taken off the balance sheet as a loss, approved by someone independent of
 * the loan. The claim stays, off balance: the principal, the interest due and accrued, and the
 * penalty and compound interest, all on `writtenOffOn` (older write-offs recorded the schedule's
 * unpaid interest and no penalty).
 */
export type LoanWrittenOff = Event<
  'LoanWrittenOff',
  {
    loanId: string;
    principal: Cents;
    interest: Cents;
    penalty?: Cents;
    approvedBy: string;
    reason: string;
    writtenOffOn: string;
    at: string;
  }
>;
/** Money received on a written-off loan's claim: principal first, then interest, then penalty interest. */
export type WrittenOffRecovered = Event<
  'WrittenOffRecovered',
  {
    loanId: string;
    amount: Cents;
    principal: Cents;
    interest: Cents;
    penalty: Cents;
    receivedBy: string;
    recoveredOn: string;
    at: string;
  }
>;

export type LoanEvent =
  | LoanApplied
  | InvestigationCompleted
  | ExaminationCompleted
  | ExaminationReturned
  | LoanApproved
  | LoanRejected
  | LoanDisbursed
  | RepaymentReceived
  | InspectionRecorded
  | LoanClassified
  | LoanClosed
  | ApprovalVoteCast
  | RiskSignalRaised
  | RiskSignalResolved
  | GuaranteeAdded
  | EarlyRecoveryDemanded
  | LoanExtended
  | LoanWrittenOff
  | WrittenOffRecovered;
