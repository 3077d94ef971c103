import { Event } from '../decider';
import { BorrowerIdentity, Personal, StatementFigures } from '../personal';
import { Rating } from '../rules/scorecard';

export type BorrowerKind = 'household' | 'business';
export const BORROWER_KINDS: readonly BorrowerKind[] = ['household', 'business'];

/**
 * Schema v2: the name and identity number are personal data, sealed out of the log; the identity
 * key (a keyed hash of the number) is what matching needs: one identity number, one file.
 */
export type BorrowerRegistered = Event<
  'BorrowerRegistered',
  {
    borrowerId: string;
    kind: BorrowerKind;
    village: string;
    sector: string;
    /** HMAC-SHA256 of the identity number under the cooperative's matching key; null for files registered before it was required. */
    identityKey: string | null;
    personal: Personal<BorrowerIdentity>;
    registeredBy: string;
    at: string;
  }
>;

/** A borrower's finances at a date, as the investigator took them down: cents; cash flow may be negative. */
export type FinancialStatement = StatementFigures & { asOf: string };

/** Schema v2: the figures are personal data, sealed out of the log; the date stays, one statement per date. */
export type FinancialStatementRecorded = Event<
  'FinancialStatementRecorded',
  { borrowerId: string; asOf: string; personal: Personal<StatementFigures>; recordedBy: string; at: string }
>;

/** The rating an investigation gave the borrower, copied to the borrower's file. */
export type BorrowerRated = Event<'BorrowerRated', { borrowerId: string; loanId: string; rating: Rating; ratedBy: string; at: string }>;

/** The borrower's personal data were erased (their key destroyed): the file keeps its dates, ratings and loans, never who they were. */
export type PersonalDataErased = Event<'PersonalDataErased', { borrowerId: string; reason: string; erasedBy: string; at: string }>;

export type BorrowerEvent = BorrowerRegistered | FinancialStatementRecorded | BorrowerRated | PersonalDataErased;
