import {
  BorrowerRegistered,
  Category,
  GuaranteeKind,
  isNonPerforming,
  LoanEvent,
  RecommendedAction,
  riskPointsOf,
  Severity,
  SignalRule,
} from '@loanflow/domain';
import { RecordedEvent } from '@loanflow/event-store';
import { Lookup, Projection, TableProjection, TableSpec } from '../projection';

/** What the risk board and the warning rules know of one loan. Money in cents. */
export interface RiskLoanRow extends Record<string, unknown> {
  loan_id: string;
  borrower_id: string;
  branch_id: string;
  /** The account officer who took the application: the warnings are their work list. */
  officer_id: string;
  status: string;
  disbursed_on: string | null;
  /** 0 until paid out. */
  disbursed_amount: number;
  maturity_date: string | null;
  principal_outstanding: number;
  category: Category;
  /** Principal written off, less the principal recovered since: the loss the board's loss rate counts. */
  written_off: number;
  /** Every risk point any act tagged, each once, in the order first tagged. */
  risk_points: string[];
  /** The investigation's rating (0..100, two decimals) and grade, when a scorecard was in force. */
  rating_score: number | null;
  rating_grade: string | null;
  /** Where the rating is in the log: a borrower's latest rating is the one furthest on. */
  rated_position: number | null;
  last_inspected_on: string | null;
  /** Guarantees added so far: the next one is number `guarantees + 1`. */
  guarantees: number;
}

/** One row per risk point per loan tagged with it: the board sums these by point. */
export interface RiskPointLoanRow extends Record<string, unknown> {
  point: string;
  loan_id: string;
  branch_id: string;
  status: string;
  disbursed_amount: number;
  principal_outstanding: number;
  /** 1 for a loan that went bad: classified substandard, doubtful or loss (its last category), or written off. */
  non_performing: number;
  /** Principal written off. */
  loss: number;
}

export interface SignalRow extends Record<string, unknown> {
  loan_id: string;
  signal_id: string;
  rule: SignalRule;
  severity: Severity;
  action: RecommendedAction;
  evidence: string;
  raised_by: string;
  raised_on: string;
  resolved_on: string | null;
  resolved_by: string | null;
  resolution: string | null;
  borrower_id: string;
  branch_id: string;
  officer_id: string;
}

export interface GuaranteeRow extends Record<string, unknown> {
  loan_id: string;
  /** 1, 2, ... in the order added to the loan. */
  n: number;
  kind: GuaranteeKind;
  /** For a guarantor: their borrower id. */
  guarantor_id: string | null;
  collateral: string | null;
  value: number;
  appraiser_id: string | null;
  added_by: string;
  added_on: string;
  borrower_id: string;
  branch_id: string;
}

const NO_KEYS: readonly string[] = [];
const loanIdOf = (e: RecordedEvent) => e.streamId.slice('loan-'.length);
const isLoan = (e: RecordedEvent) => e.streamId.startsWith('loan-');
const loanEvent = (e: RecordedEvent) => e as unknown as LoanEvent;
const loanRowOf = (lookup: Lookup, loanId: string) => lookup.get<RiskLoanRow>('rm_risk_loans', loanId);

function tagged(row: RiskLoanRow, event: LoanEvent): RiskLoanRow {
  const fresh = riskPointsOf(event).filter((p, i, all) => !row.risk_points.includes(p) && all.indexOf(p) === i);
  return fresh.length === 0 ? row : { ...row, risk_points: [...row.risk_points, ...fresh] };
}

/** The pure step of a loan's risk row; null before the application (an event of an unknown loan changes nothing). */
export function evolveRiskLoan(row: RiskLoanRow | null, recorded: RecordedEvent, lookup: Pick<Lookup, 'businessDate'>): RiskLoanRow | null {
  const event = loanEvent(recorded);
  if (event.type === 'LoanApplied') {
    const d = event.data;
    return {
      loan_id: d.loanId,
      borrower_id: d.borrowerId,
      branch_id: d.branchId,
      officer_id: d.officerId,
      status: 'applied',
      disbursed_on: null,
      disbursed_amount: 0,
      maturity_date: null,
      principal_outstanding: 0,
      category: 'normal',
      written_off: 0,
      risk_points: [],
      rating_score: null,
      rating_grade: null,
      rated_position: null,
      last_inspected_on: null,
      guarantees: 0,
    };
  }
  if (!row) return row;
  switch (event.type) {
    case 'InvestigationCompleted': {
      // A new investigation (after a return) rates again; the loan's state keeps only the latest.
      const rating = event.data.rating ?? null;
      return {
        ...tagged(row, event),
        status: 'investigated',
        rating_score: rating?.score ?? null,
        rating_grade: rating?.grade ?? null,
        rated_position: rating ? recorded.globalPosition : null,
      };
    }
    case 'ExaminationCompleted':
      return { ...tagged(row, event), status: event.data.opinion === 'pass' ? 'examined' : row.status };
    case 'ExaminationReturned':
      return { ...tagged(row, event), status: 'applied' };
    case 'ApprovalVoteCast':
      return tagged(row, event);
    case 'LoanApproved':
      return { ...tagged(row, event), status: 'approved' };
    case 'LoanRejected':
      return { ...row, status: 'rejected' };
    case 'LoanDisbursed': {
      const d = event.data;
      return {
        ...tagged(row, event),
        status: 'active',
        disbursed_on: d.disbursedOn,
        disbursed_amount: d.amount,
        maturity_date: d.maturityDate,
        principal_outstanding: d.amount,
      };
    }
    case 'RepaymentReceived':
      return event.data.principal === 0 ? row : { ...row, principal_outstanding: row.principal_outstanding - event.data.principal };
    case 'InspectionRecorded':
      // Inspections carry their instant only: the business date is the cooperative's date at that instant, as in rm_loans.
      return { ...tagged(row, event), last_inspected_on: lookup.businessDate(event.data.at) };
    case 'LoanClassified':
      return { ...row, category: event.data.category };
    case 'LoanClosed':
      return { ...row, status: 'closed' };
    case 'LoanExtended':
      return { ...row, maturity_date: event.data.newMaturity };
    case 'LoanWrittenOff':
      return { ...row, status: 'written_off', written_off: event.data.principal, principal_outstanding: 0 };
    case 'WrittenOffRecovered':
      return event.data.principal === 0 ? row : { ...row, written_off: row.written_off - event.data.principal };
    case 'GuaranteeAdded':
      return { ...row, guarantees: row.guarantees + 1 };
    default:
      return row;
  }
}

export const RISK_LOANS_TABLE: TableSpec<RiskLoanRow> = {
  name: 'rm_risk_loans',
  columns: {
    loan_id: 'text',
    borrower_id: 'text',
    branch_id: 'text',
    officer_id: 'text',
    status: 'text',
    disbursed_on: 'text',
    disbursed_amount: 'bigint',
    maturity_date: 'text',
    principal_outstanding: 'bigint',
    category: 'text',
    written_off: 'bigint',
    risk_points: 'json',
    // Two decimals: kept as JSON, read back as the same number.
    rating_score: 'json',
    rating_grade: 'text',
    rated_position: 'bigint',
    last_inspected_on: 'text',
    guarantees: 'integer',
  },
  primaryKey: ['loan_id'],
  indexes: [['status'], ['borrower_id']],
  keyOf: (r) => r.loan_id,
};

const loans: TableProjection<RiskLoanRow> = {
  table: RISK_LOANS_TABLE,
  keys: (e) => (isLoan(e) ? [loanIdOf(e)] : NO_KEYS),
  evolve: (row, e, _key, lookup) => evolveRiskLoan(row, e, lookup),
};

/** The events that move a tagged loan's figures on the board, or tag it. */
const BOARD_EVENTS = new Set<string>([
  'InvestigationCompleted',
  'ExaminationCompleted',
  'ExaminationReturned',
  'ApprovalVoteCast',
  'LoanApproved',
  'LoanRejected',
  'LoanDisbursed',
  'RepaymentReceived',
  'InspectionRecorded',
  'LoanClassified',
  'LoanClosed',
  'LoanWrittenOff',
  'WrittenOffRecovered',
]);

export function pointLoanRow(point: string, loan: RiskLoanRow): RiskPointLoanRow {
  return {
    point,
    loan_id: loan.loan_id,
    branch_id: loan.branch_id,
    status: loan.status,
    disbursed_amount: loan.disbursed_amount,
    principal_outstanding: loan.principal_outstanding,
    non_performing: loan.status === 'written_off' || isNonPerforming(loan.category) ? 1 : 0,
    loss: loan.written_off,
  };
}

const sameRow = (a: RiskPointLoanRow, b: RiskPointLoanRow) => (Object.keys(a) as (keyof RiskPointLoanRow)[]).every((k) => a[k] === b[k]);

const pointLoans: TableProjection<RiskPointLoanRow> = {
  table: {
    name: 'rm_risk_point_loans',
    columns: {
      point: 'text',
      loan_id: 'text',
      branch_id: 'text',
      status: 'text',
      disbursed_amount: 'bigint',
      principal_outstanding: 'bigint',
      non_performing: 'integer',
      loss: 'bigint',
    },
    primaryKey: ['point', 'loan_id'],
    indexes: [['branch_id']],
    keyOf: (r) => `${r.point}|${r.loan_id}`,
  },
  // The loan's row is already the one after the event: its points include any the event tagged.
  keys: (e, lookup) => {
    if (!isLoan(e) || !BOARD_EVENTS.has(e.type)) return NO_KEYS;
    const loan = loanRowOf(lookup, loanIdOf(e));
    return loan ? loan.risk_points.map((p) => `${p}|${loan.loan_id}`) : NO_KEYS;
  },
  evolve: (row, e, key, lookup) => {
    const loanId = loanIdOf(e);
    const next = pointLoanRow(key.slice(0, key.length - loanId.length - 1), loanRowOf(lookup, loanId)!);
    // Most repayments leave a loan's figures on the board as they were only in part: write what changed.
    return row && sameRow(row, next) ? row : next;
  },
};

const signals: TableProjection<SignalRow> = {
  table: {
    name: 'rm_signals',
    columns: {
      loan_id: 'text',
      signal_id: 'text',
      rule: 'text',
      severity: 'text',
      action: 'text',
      evidence: 'text',
      raised_by: 'text',
      raised_on: 'text',
      resolved_on: 'text',
      resolved_by: 'text',
      resolution: 'text',
      borrower_id: 'text',
      branch_id: 'text',
      officer_id: 'text',
    },
    primaryKey: ['loan_id', 'signal_id'],
    indexes: [['resolved_on'], ['officer_id'], ['branch_id']],
    keyOf: (r) => `${r.loan_id}|${r.signal_id}`,
  },
  keys: (e) =>
    e.type === 'RiskSignalRaised' || e.type === 'RiskSignalResolved'
      ? [`${loanIdOf(e)}|${(e.data as { signalId: string }).signalId}`]
      : NO_KEYS,
  evolve: (row, recorded, _key, lookup) => {
    const event = loanEvent(recorded);
    if (event.type === 'RiskSignalRaised') {
      const loan = loanRowOf(lookup, loanIdOf(recorded));
      if (!loan) return row;
      const d = event.data;
      return {
        loan_id: d.loanId,
        signal_id: d.signalId,
        rule: d.rule,
        severity: d.severity,
        action: d.action,
        evidence: d.evidence,
        raised_by: d.raisedBy,
        raised_on: d.raisedOn,
        resolved_on: null,
        resolved_by: null,
        resolution: null,
        borrower_id: loan.borrower_id,
        branch_id: loan.branch_id,
        officer_id: loan.officer_id,
      };
    }
    if (event.type === 'RiskSignalResolved' && row)
      return { ...row, resolved_on: event.data.resolvedOn, resolved_by: event.data.resolvedBy, resolution: event.data.resolution };
    return row;
  },
};

const guarantees: TableProjection<GuaranteeRow> = {
  table: {
    name: 'rm_guarantees',
    columns: {
      loan_id: 'text',
      n: 'integer',
      kind: 'text',
      guarantor_id: 'text',
      collateral: 'text',
      value: 'bigint',
      appraiser_id: 'text',
      added_by: 'text',
      added_on: 'text',
      borrower_id: 'text',
      branch_id: 'text',
    },
    primaryKey: ['loan_id', 'n'],
    indexes: [['guarantor_id']],
    keyOf: (r) => `${r.loan_id}|${r.n}`,
    appendOnly: true,
  },
  // The loan's row already counts this guarantee.
  keys: (e, lookup) => {
    if (e.type !== 'GuaranteeAdded') return NO_KEYS;
    const loan = loanRowOf(lookup, loanIdOf(e));
    return loan ? [`${loan.loan_id}|${loan.guarantees}`] : NO_KEYS;
  },
  evolve: (_row, recorded, key, lookup) => {
    const event = loanEvent(recorded);
    if (event.type !== 'GuaranteeAdded') return null;
    const loan = loanRowOf(lookup, loanIdOf(recorded))!;
    const { guarantee, addedBy, addedOn } = event.data;
    return {
      loan_id: loan.loan_id,
      n: Number(key.slice(key.lastIndexOf('|') + 1)),
      kind: guarantee.kind,
      guarantor_id: guarantee.guarantorId ?? null,
      collateral: guarantee.collateral ?? null,
      value: guarantee.value,
      appraiser_id: guarantee.appraiserId ?? null,
      added_by: addedBy,
      added_on: addedOn,
      borrower_id: loan.borrower_id,
      branch_id: loan.branch_id,
    };
  },
};

/**
 * Risk management's read models: each loan's risk facts (rating, points, inspection, figures),
 * every tagged loan per risk point for the board, the warning signals and the guarantees.
 */
/**
 * The borrowers registered, under their identity key (the identity number's keyed hash: one
 * person, one borrower). Names and numbers are personal data: no read model holds them.
 */
export interface BorrowerRow extends Record<string, unknown> {
  borrower_id: string;
  /** Null for a borrower registered before identity numbers were required. */
  identity_key: string | null;
  kind: string;
  village: string;
  sector: string;
  registered_at: string;
}

const borrowers: TableProjection<BorrowerRow> = {
  table: {
    name: 'rm_borrowers',
    columns: {
      borrower_id: 'text',
      identity_key: 'text',
      kind: 'text',
      village: 'text',
      sector: 'text',
      registered_at: 'text',
    },
    primaryKey: ['borrower_id'],
    indexes: [['identity_key']],
    keyOf: (r) => r.borrower_id,
  },
  keys: (e) =>
    (e.type === 'BorrowerRegistered' || e.type === 'PersonalDataErased') && e.streamId.startsWith('borrower-')
      ? [e.streamId.slice('borrower-'.length)]
      : NO_KEYS,
  evolve: (row, e) => {
    // Erased: nothing left to match the person by.
    if (e.type === 'PersonalDataErased') return row && { ...row, identity_key: null };
    const d = (e as unknown as BorrowerRegistered).data;
    return {
      borrower_id: d.borrowerId,
      identity_key: d.identityKey,
      kind: d.kind,
      village: d.village,
      sector: d.sector,
      registered_at: d.at,
    };
  },
};

export const riskProjection: Projection = {
  name: 'risk',
  // v4: rm_borrowers keeps the identity key, never the name or the number.
  version: 4,
  // The loan's row goes first: the others read it as it stands after the event.
  tables: [loans, pointLoans, signals, guarantees, borrowers],
};
