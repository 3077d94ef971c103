import { Event } from '../decider';
import { Cents } from '../money';
import { Rating } from '../rules/scorecard';

export type BorrowerKind = 'household' | 'business';
export const BORROWER_KINDS: readonly BorrowerKind[] = ['household', 'business'];

export type BorrowerRegistered = Event<
  'BorrowerRegistered',
  {
    borrowerId: string;
    name: string;
    kind: BorrowerKind;
    village: string;
    sector: string;
    /** Resident identity number (household) or unified social credit code (business); absent on borrowers registered before it was required. */
    identityNumber?: string;
    registeredBy: string;
    at: string;
  }
>;

/** A borrower's finances at a date, as the investigator took them down: cents; cash flow may be negative. */
export type FinancialStatement = {
  asOf: string;
  income: Cents;
  assets: Cents;
  liabilities: Cents;
  cashFlow: Cents;
};

export type FinancialStatementRecorded = Event<
  'FinancialStatementRecorded',
  FinancialStatement & { borrowerId: string; recordedBy: string; at: string }
>;

/** The rating an investigation gave the borrower, copied to the borrower's file. */
export type BorrowerRated = Event<'BorrowerRated', { borrowerId: string; loanId: string; rating: Rating; ratedBy: string; at: string }>;

export type BorrowerEvent = BorrowerRegistered | FinancialStatementRecorded | BorrowerRated;
