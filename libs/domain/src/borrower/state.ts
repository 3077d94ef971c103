import { Rating } from '../rules/scorecard';
import { BorrowerEvent, BorrowerKind, FinancialStatement } from './events';

export interface RecordedStatement extends FinancialStatement {
  recordedBy: string;
  at: string;
}

export interface RecordedRating {
  loanId: string;
  rating: Rating;
  ratedBy: string;
  at: string;
}

/** A borrower's risk file: who they are, their financial statements by date and their ratings, latest last. */
export interface Borrower {
  borrowerId: string | null;
  name: string;
  kind: BorrowerKind | null;
  village: string;
  sector: string;
  /** Null for a borrower registered before identity numbers were required. */
  identityNumber: string | null;
  registeredBy: string | null;
  registeredAt: string | null;
  /** Oldest first, by `asOf`. */
  statements: RecordedStatement[];
  ratings: RecordedRating[];
}

export const initialBorrower: Borrower = {
  borrowerId: null,
  name: '',
  kind: null,
  village: '',
  sector: '',
  identityNumber: null,
  registeredBy: null,
  registeredAt: null,
  statements: [],
  ratings: [],
};

export function evolveBorrower(state: Borrower, event: BorrowerEvent): Borrower {
  switch (event.type) {
    case 'BorrowerRegistered': {
      const { borrowerId, name, kind, village, sector, identityNumber, registeredBy, at } = event.data;
      return { ...state, borrowerId, name, kind, village, sector, identityNumber: identityNumber ?? null, registeredBy, registeredAt: at };
    }
    case 'FinancialStatementRecorded': {
      const { asOf, income, assets, liabilities, cashFlow, recordedBy, at } = event.data;
      const statements = [...state.statements, { asOf, income, assets, liabilities, cashFlow, recordedBy, at }];
      return { ...state, statements: statements.sort((a, b) => a.asOf.localeCompare(b.asOf)) };
    }
    case 'BorrowerRated': {
      const { loanId, rating, ratedBy, at } = event.data;
      return { ...state, ratings: [...state.ratings, { loanId, rating, ratedBy, at }] };
    }
  }
}
