import { isIsoDate } from '../dates';
import { Acting, Command, Decider } from '../decider';
import { IllegalState, NotFound, RuleViolated } from '../errors';
import { Rating } from '../rules/scorecard';
import { BorrowerEvent, BorrowerKind, FinancialStatement } from './events';
import { identityNumberProblem } from './identity';
import { Borrower, evolveBorrower, initialBorrower } from './state';

export type RegisterBorrower = Command<
  'RegisterBorrower',
  {
    borrowerId: string;
    name: string;
    kind: BorrowerKind;
    village: string;
    sector: string;
    identityNumber: string;
    /** The identity number's keyed hash (supplied by the handler, which holds the matching key). */
    identityKey: string;
    /** The borrower already registered under this identity number (supplied by the handler), if any. */
    identityTakenBy: string | null;
  } & Acting
>;
export type RecordFinancialStatement = Command<'RecordFinancialStatement', FinancialStatement & { borrowerId: string } & Acting>;
/** Sent when an investigation records a rating: refused only for a borrower nobody registered. */
export type RecordRating = Command<'RecordRating', { borrowerId: string; loanId: string; rating: Rating; by: string; now: string }>;
/** Erases the borrower's personal data, when the law allows it: the handler checks that no loan of theirs is still open. */
export type ErasePersonalData = Command<'ErasePersonalData', { borrowerId: string; reason: string; by: string; now: string }>;
export type BorrowerCommand = RegisterBorrower | RecordFinancialStatement | RecordRating | ErasePersonalData;

function requireStatement({ asOf, income, assets, liabilities, cashFlow }: FinancialStatement, today: string): void {
  if (!isIsoDate(asOf)) throw new RuleViolated('DATE_INVALID', `asOf ${asOf} is not a calendar date written YYYY-MM-DD`);
  if (asOf > today) throw new RuleViolated('DATE_IN_FUTURE', `asOf ${asOf} is after today (${today})`);
  for (const [field, cents] of Object.entries({ income, assets, liabilities }))
    if (!Number.isSafeInteger(cents) || cents < 0) throw new RuleViolated('AMOUNT_OUT_OF_RANGE', `${field} is whole cents, never negative`);
  if (!Number.isSafeInteger(cashFlow)) throw new RuleViolated('AMOUNT_OUT_OF_RANGE', 'cashFlow is whole cents');
}

function requireKept(state: Borrower): void {
  if (state.erasedAt !== null)
    throw new IllegalState('PERSONAL_DATA_ERASED', `borrower ${state.borrowerId}'s personal data were erased on ${state.erasedAt}`);
}

export function decideBorrower(command: BorrowerCommand, state: Borrower): BorrowerEvent[] {
  const { borrowerId } = command.data;
  if (command.type === 'RegisterBorrower') {
    const { name, kind, village, sector, identityNumber, identityKey, by, now, today } = command.data;
    if (state.borrowerId !== null) throw new IllegalState('BORROWER_EXISTS', `borrower ${borrowerId} is already registered`);
    const problem = identityNumberProblem(kind, identityNumber, today);
    if (problem) throw new RuleViolated('IDENTITY_NUMBER_INVALID', problem);
    // One person, one borrower: a second file would split their exposure and slip the concentration limits.
    if (command.data.identityTakenBy !== null)
      throw new IllegalState(
        'IDENTITY_NUMBER_TAKEN',
        `identity number ${identityNumber} is already borrower ${command.data.identityTakenBy}'s; one person has one borrower file`,
      );
    return [
      {
        type: 'BorrowerRegistered',
        data: { borrowerId, kind, village, sector, identityKey, personal: { clear: { name, identityNumber } }, registeredBy: by, at: now },
      },
    ];
  }
  if (state.borrowerId === null) throw new NotFound('BORROWER_NOT_FOUND', `borrower ${borrowerId} is not registered`);
  switch (command.type) {
    case 'RecordFinancialStatement': {
      const { asOf, income, assets, liabilities, cashFlow, by, now, today } = command.data;
      requireStatement({ asOf, income, assets, liabilities, cashFlow }, today);
      requireKept(state);
      if (state.statements.some((s) => s.asOf === asOf))
        throw new IllegalState('STATEMENT_EXISTS', `borrower ${borrowerId} already has a financial statement as of ${asOf}`);
      const personal = { clear: { income, assets, liabilities, cashFlow } };
      return [{ type: 'FinancialStatementRecorded', data: { borrowerId, asOf, personal, recordedBy: by, at: now } }];
    }
    case 'RecordRating': {
      const { loanId, rating, by, now } = command.data;
      return [{ type: 'BorrowerRated', data: { borrowerId, loanId, rating, ratedBy: by, at: now } }];
    }
    case 'ErasePersonalData': {
      const { reason, by, now } = command.data;
      requireKept(state);
      if (reason.trim() === '') throw new RuleViolated('REASON_REQUIRED', 'an erasure says why (the request or the rule it follows)');
      return [{ type: 'PersonalDataErased', data: { borrowerId, reason, erasedBy: by, at: now } }];
    }
  }
}

export const borrowerDecider: Decider<BorrowerCommand, Borrower, BorrowerEvent> = {
  initialState: initialBorrower,
  evolve: evolveBorrower,
  decide: decideBorrower,
};
