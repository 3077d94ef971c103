import { BorrowerIdentity, Personal, StatementFigures } from '../personal';
import { Rating } from '../rules/scorecard';
import { BorrowerEvent, BorrowerKind } from './events';

export interface RecordedStatement {
  asOf: string;
  personal: Personal<StatementFigures>;
  recordedBy: string;
  at: string;
}

export interface RecordedRating {
  loanId: string;
  rating: Rating;
  ratedBy: string;
  at: string;
}

/** A borrower's risk file: who they are (sealed), their financial statements by date and their ratings, latest last. */
export interface Borrower {
  borrowerId: string | null;
  kind: BorrowerKind | null;
  village: string;
  sector: string;
  /** Null for a borrower registered before identity numbers were required. */
  identityKey: string | null;
  identity: Personal<BorrowerIdentity> | null;
  registeredBy: string | null;
  registeredAt: string | null;
  /** Oldest first, by `asOf`. */
  statements: RecordedStatement[];
  ratings: RecordedRating[];
  /** When the personal data were erased; null while they are kept. */
  erasedAt: string | null;
}

export const initialBorrower: Borrower = {
  borrowerId: null,
  kind: null,
  village: '',
  sector: '',
  identityKey: null,
  identity: null,
  registeredBy: null,
  registeredAt: null,
  statements: [],
  ratings: [],
  erasedAt: null,
};

export function evolveBorrower(state: Borrower, event: BorrowerEvent): Borrower {
  switch (event.type) {
    case 'BorrowerRegistered': {
      const { borrowerId, kind, village, sector, identityKey, personal, registeredBy, at } = event.data;
      return { ...state, borrowerId, kind, village, sector, identityKey, identity: personal, registeredBy, registeredAt: at };
    }
    case 'FinancialStatementRecorded': {
      const { asOf, personal, recordedBy, at } = event.data;
      const statements = [...state.statements, { asOf, personal, recordedBy, at }];
      return { ...state, statements: statements.sort((a, b) => a.asOf.localeCompare(b.asOf)) };
    }
    case 'BorrowerRated': {
      const { loanId, rating, ratedBy, at } = event.data;
      return { ...state, ratings: [...state.ratings, { loanId, rating, ratedBy, at }] };
    }
    case 'PersonalDataErased':
      return { ...state, erasedAt: event.data.at };
  }
}
