import { Rating } from '../rules/scorecard';
import { givenFor } from '../testing/given';
import { BorrowerCommand, borrowerDecider } from './decider';
import { upcast } from '../upcasters';
import { BorrowerEvent, BorrowerRegistered, FinancialStatementRecorded } from './events';

const at = '2026-03-02T09:00:00.000Z';
const today = '2026-03-02';
const RESIDENT_ID = '11010519491231002X';
const CREDIT_CODE = '91350100M000100Y43';
const KEY = 'k'.repeat(64);

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
    identityKey: KEY,
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
    kind: 'household',
    village: 'Dongshan',
    sector: 'grain',
    identityKey: KEY,
    personal: { clear: { name: 'Wang household', identityNumber: RESIDENT_ID } },
    registeredBy: 'ana',
    at,
  },
};
const statement = { asOf: '2025-12-31', income: 12_000_000, assets: 30_000_000, liabilities: 5_000_000, cashFlow: -150_000 };
const recordStatement = (overrides: Partial<typeof statement> = {}): BorrowerCommand => ({
  type: 'RecordFinancialStatement',
  data: { borrowerId: 'B', ...statement, ...overrides, by: 'ana', now: at, today },
});
const { asOf: _, ...figures } = statement;
const recorded = (asOf: string): FinancialStatementRecorded => ({
  type: 'FinancialStatementRecorded',
  data: { borrowerId: 'B', asOf, personal: { clear: figures }, recordedBy: 'ana', at },
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
      .then([
        {
          type: 'BorrowerRegistered',
          data: { ...registered.data, kind: 'business', personal: { clear: { name: 'Wang household', identityNumber: CREDIT_CODE } } },
        },
      ]));

  it('hands the name and identity number over in clear, to be sealed out of the log; the event keeps the identity key', () => {
    const [event] = borrowerDecider.decide(register('household', RESIDENT_ID), borrowerDecider.initialState) as BorrowerRegistered[];
    expect(Object.keys(event.data).sort()).toEqual([
      'at',
      'borrowerId',
      'identityKey',
      'kind',
      'personal',
      'registeredBy',
      'sector',
      'village',
    ]);
    expect(event.data.identityKey).toBe(KEY);
  });

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
      kind: 'household',
      village: 'Dongshan',
      sector: 'grain',
      identityKey: KEY,
      identity: { clear: { name: 'Wang household', identityNumber: RESIDENT_ID } },
      registeredBy: 'ana',
      registeredAt: at,
      statements: [],
      ratings: [],
      erasedAt: null,
    }));

  it('reads a v1 registration (personal data in clear, perhaps no identity number) as handing them over in clear, with no identity key', () => {
    const v1 = {
      borrowerId: 'B',
      name: 'Wang household',
      kind: 'household',
      village: 'Dongshan',
      sector: 'grain',
      registeredBy: 'ana',
      at,
    };
    const read = upcast({ type: 'BorrowerRegistered', schemaVersion: 1, data: v1 });
    expect(read).toEqual({
      type: 'BorrowerRegistered',
      schemaVersion: 2,
      data: {
        borrowerId: 'B',
        kind: 'household',
        village: 'Dongshan',
        sector: 'grain',
        identityKey: null,
        personal: { clear: { name: 'Wang household', identityNumber: null } },
        registeredBy: 'ana',
        at,
      },
    });
    const statementV1 = { borrowerId: 'B', ...statement, recordedBy: 'ana', at };
    expect(upcast({ type: 'FinancialStatementRecorded', schemaVersion: 1, data: statementV1 }).data).toEqual(recorded(statement.asOf).data);
  });
});

describe('borrower decider: financial statements', () => {
  it('records a statement, a negative cash flow included', () =>
    given([registered])
      .when(recordStatement())
      .then([recorded(statement.asOf)]));

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

describe('borrower decider: erasure of personal data', () => {
  const erase = (reason = 'asked for on 2026-03-01; all loans closed'): BorrowerCommand => ({
    type: 'ErasePersonalData',
    data: { borrowerId: 'B', reason, by: 'root', now: at },
  });
  const erased: BorrowerEvent = {
    type: 'PersonalDataErased',
    data: { borrowerId: 'B', reason: 'asked for on 2026-03-01; all loans closed', erasedBy: 'root', at },
  };

  it('records the erasure with its reason, once; the file keeps its dates and ratings', () => {
    given([registered, recorded('2025-12-31')])
      .when(erase())
      .then([erased]);
    given([registered, erased]).when(erase()).thenRefused('PERSONAL_DATA_ERASED');
    expect(given([registered, recorded('2025-12-31'), erased]).state).toMatchObject({ erasedAt: at, statements: [{ asOf: '2025-12-31' }] });
  });

  it('REASON_REQUIRED for an erasure without a reason; BORROWER_NOT_FOUND for nobody', () => {
    given([registered]).when(erase('  ')).thenRefused('REASON_REQUIRED');
    given([]).when(erase()).thenRefused('BORROWER_NOT_FOUND');
  });

  it('PERSONAL_DATA_ERASED for a statement after the erasure: nothing more is kept of the person', () =>
    given([registered, erased])
      .when(recordStatement({ asOf: '2026-03-01' }))
      .thenRefused('PERSONAL_DATA_ERASED'));
});
