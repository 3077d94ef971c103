import { Event } from '../decider';
import { Bps, Cents } from '../money';
import { Category } from '../rules/classification';
import { Instalment, RepaymentMethod } from '../rules/schedule';

export type Security = 'credit' | 'guaranteed' | 'mortgage' | 'pledge';
export const SECURITIES: readonly Security[] = ['credit', 'guaranteed', 'mortgage', 'pledge'];

export interface Terms {
  amount: Cents;
  termMonths: number;
  annualRateBps: Bps;
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
    at: string;
  }
>;
export type ExaminationCompleted = Event<
  'ExaminationCompleted',
  { loanId: string; examinerId: string; opinion: 'pass' | 'reject'; comments: string; riskPoints: string[]; at: string }
>;
/** The examiner sends the loan back for further investigation. */
export type ExaminationReturned = Event<
  'ExaminationReturned',
  { loanId: string; examinerId: string; comments: string; riskPoints: string[]; at: string }
>;
export type LoanApproved = Event<
  'LoanApproved',
  { loanId: string; approverId: string; terms: Terms; comments: string; approvedOn: string; at: string }
>;
export type LoanRejected = Event<
  'LoanRejected',
  { loanId: string; stage: 'investigation' | 'examination' | 'approval'; rejectedBy: string; reason: string; at: string }
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
    /** How the payment settled each instalment, interest first. */
    allocations: Allocation[];
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
  | LoanClosed;
