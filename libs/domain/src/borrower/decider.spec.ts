import { Rating } from '../rules/scorecard';
import { givenFor } from '../testing/given';
import { BorrowerCommand, borrowerDecider } from './decider';
import { BorrowerEvent, BorrowerRegistered, FinancialStatementRecorded } from './events';

const at = '2026-03-02T09:00:00.000Z';
const today = '2026-03-02';
const RESIDENT_ID = '11010519491231002X';
const CREDIT_CODE = '91350100M000100Y43';

const given = (events: BorrowerEvent[]) => givenFor(borrowerDecider, events);

const register = (kind: 'household' | 'business', identityNumber: string, identityTakenBy: string | null = null): BorrowerCommand => ({
  type: 'RegisterBorrower',
  data: {
    borrowerId: 'B',
    name: 'Wang household',
    kind,
    village: 'Dongshan',
    sector: 'grain',
    identityNumber,
    identityTakenBy,
    by: 'ana',
    now: at,
    today,
  },
});
const registered: BorrowerRegistered = {
  type: 'BorrowerRegistered',
  data: {
    borrowerId: 'B',
    name: 'Wang household',
    kind: 'household',
    village: 'Dongshan',
    sector: 'grain',
    identityNumber: RESIDENT_ID,
    registeredBy: 'ana',
    at,
  },
};
const statement = { asOf: '2025-12-31', income: 12_000_000, assets: 30_000_000, liabilities: 5_000_000, cashFlow: -150_000 };
const recordStatement = (overrides: Partial<typeof statement> = {}): BorrowerCommand => ({
  type: 'RecordFinancialStatement',
  data: { borrowerId: 'B', ...statement, ...overrides, by: 'ana', now: at, today },
});
const recorded = (asOf: string): FinancialStatementRecorded => ({
  type: 'FinancialStatementRecorded',
  data: { borrowerId: 'B', ...statement, asOf, recordedBy: 'ana', at },
});
const rating: Rating = {
  scorecardVersion: 1,
  score: 72.5,
  grade: 'B',
  bounds: { maxAmount: 5_000_000, maxTermMonths: 24, minRateBps: 500, maxRateBps: 900 },
  factors: [{ code: 'debt_ratio', value: 0.2, points: 80 }],
};
const rate = (loanId: string): BorrowerCommand => ({ type: 'RecordRating', data: { borrowerId: 'B', loanId, rating, by: 'ana', now: at } });

describe('borrower decider: registration', () => {
  it('IDENTITY_NUMBER_TAKEN: one person, one borrower file', () => {
    given([])
      .when(register('household', RESIDENT_ID, 'B-7'))
      .thenRefused('IDENTITY_NUMBER_TAKEN');
  });

  it('registers a household under its resident identity number, once', () => {
    given([]).when(register('household', RESIDENT_ID)).then([registered]);
    given([registered]).when(register('household', RESIDENT_ID)).thenRefused('BORROWER_EXISTS');
  });

  it('registers a business under its unified social credit code', () =>
    given([])
      .when(register('business', CREDIT_CODE))
      .then([{ type: 'BorrowerRegistered', data: { ...registered.data, kind: 'business', identityNumber: CREDIT_CODE } }]));

  it('IDENTITY_NUMBER_INVALID for a wrong check character or the other kind of number', () => {
    given([]).when(register('household', '110105194912310021')).thenRefused('IDENTITY_NUMBER_INVALID');
    given([]).when(register('household', CREDIT_CODE)).thenRefused('IDENTITY_NUMBER_INVALID');
    given([]).when(register('business', '91350100M000100Y44')).thenRefused('IDENTITY_NUMBER_INVALID');
    given([]).when(register('business', RESIDENT_ID)).thenRefused('IDENTITY_NUMBER_INVALID');
    expect(() => borrowerDecider.decide(register('household', '110105194912310021'), borrowerDecider.initialState)).toThrow(
      'the check character is 1, the first 17 digits give X',
    );
  });

  it('starts the file with who registered the borrower, and no statements or ratings', () =>
    expect(given([registered]).state).toEqual({
      borrowerId: 'B',
      name: 'Wang household',
      kind: 'household',
      village: 'Dongshan',
      sector: 'grain',
      identityNumber: RESIDENT_ID,
      registeredBy: 'ana',
      registeredAt: at,
      statements: [],
      ratings: [],
    }));

  it('reads a borrower registered before identity numbers were required as having none', () => {
    const { identityNumber: _, ...before } = registered.data;
    expect(given([{ type: 'BorrowerRegistered', data: before }]).state.identityNumber).toBeNull();
  });
});

describe('borrower decider: financial statements', () => {
  it('records a statement, a negative cash flow included', () =>
    given([registered])
      .when(recordStatement())
      .then([{ type: 'FinancialStatementRecorded', data: { borrowerId: 'B', ...statement, recordedBy: 'ana', at } }]));

  it('keeps the statements in date order, whatever order they were recorded in', () =>
    expect(
      given([registered, recorded('2025-12-31'), recorded('2024-12-31'), recorded('2025-06-30')]).state.statements.map((s) => s.asOf),
    ).toEqual(['2024-12-31', '2025-06-30', '2025-12-31']));

  it('BORROWER_NOT_FOUND for a borrower nobody registered', () => given([]).when(recordStatement()).thenRefused('BORROWER_NOT_FOUND'));

  it('STATEMENT_EXISTS for a second statement at the same date', () => {
    given([registered, recorded('2025-12-31')])
      .when(recordStatement())
      .thenRefused('STATEMENT_EXISTS');
    given([registered, recorded('2025-12-31')])
      .when(recordStatement({ asOf: '2026-03-02' }))
      .then([recorded('2026-03-02')]);
  });

  it('DATE_IN_FUTURE for a statement dated after today, DATE_INVALID for no date', () => {
    given([registered])
      .when(recordStatement({ asOf: '2026-03-03' }))
      .thenRefused('DATE_IN_FUTURE');
    given([registered])
      .when(recordStatement({ asOf: '2026-02-30' }))
      .thenRefused('DATE_INVALID');
  });

  it('AMOUNT_OUT_OF_RANGE for negative income, assets or liabilities, or fractions of a cent', () => {
    given([registered])
      .when(recordStatement({ income: -1 }))
      .thenRefused('AMOUNT_OUT_OF_RANGE');
    given([registered])
      .when(recordStatement({ assets: -1 }))
      .thenRefused('AMOUNT_OUT_OF_RANGE');
    given([registered])
      .when(recordStatement({ liabilities: -1 }))
      .thenRefused('AMOUNT_OUT_OF_RANGE');
    given([registered])
      .when(recordStatement({ cashFlow: 0.5 }))
      .thenRefused('AMOUNT_OUT_OF_RANGE');
  });
});

describe('borrower decider: ratings', () => {
  const rated = (loanId: string): BorrowerEvent => ({
    type: 'BorrowerRated',
    data: { borrowerId: 'B', loanId, rating, ratedBy: 'ana', at },
  });

  it('records every rating an investigation gives, latest last', () => {
    given([registered])
      .when(rate('L-1'))
      .then([rated('L-1')]);
    given([registered, rated('L-1')])
      .when(rate('L-1'))
      .then([rated('L-1')]);
    expect(given([registered, rated('L-1'), rated('L-2')]).state.ratings.map((r) => r.loanId)).toEqual(['L-1', 'L-2']);
  });

  it('BORROWER_NOT_FOUND for a borrower nobody registered', () => given([]).when(rate('L-1')).thenRefused('BORROWER_NOT_FOUND'));
});
