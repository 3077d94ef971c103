import { Category } from '@loanflow/domain';
import { ReadModelDb } from '@loanflow/storage';
import { untyped } from '../queries';
import { fromColumns } from '../tables';
import { LOANS_TABLE, LoanRow } from './projection';

/** One loan of a borrower's credit history, money in cents, as the loans read model has it. */
export interface BorrowerLoan {
  loanId: string;
  status: string;
  branchId: string;
  officerId: string;
  purpose: string;
  security: string;
  requestedAmount: number;
  approvedAmount: number | null;
  disbursedAmount: number | null;
  termMonths: number;
  annualRateBps: number | null;
  category: Category;
  daysPastDue: number;
  principalOutstanding: number;
  interestOutstanding: number;
  writtenOff: number;
  appliedOn: string;
  approvedOn: string | null;
  disbursedOn: string | null;
  maturityDate: string | null;
  closedOn: string | null;
}

/** Every loan the borrower applied for, oldest application first. */
export async function loansOfBorrower(db: ReadModelDb, borrowerId: string): Promise<BorrowerLoan[]> {
  const rows = await untyped(db)
    .selectFrom(LOANS_TABLE.name)
    .selectAll()
    .where('borrower_id', '=', borrowerId)
    .orderBy('applied_on')
    .orderBy('loan_id')
    .execute();
  return rows.map((stored) => {
    const r = fromColumns(LOANS_TABLE, stored) as LoanRow;
    return {
      loanId: r.loan_id,
      status: r.status,
      branchId: r.branch_id,
      officerId: r.officer_id,
      purpose: r.purpose,
      security: r.security,
      requestedAmount: r.requested_amount,
      approvedAmount: r.approved_amount,
      disbursedAmount: r.disbursed_amount,
      termMonths: r.term_months,
      annualRateBps: r.annual_rate_bps,
      category: r.category,
      daysPastDue: r.days_past_due,
      principalOutstanding: r.principal_outstanding,
      interestOutstanding: r.interest_outstanding,
      writtenOff: r.written_off,
      appliedOn: r.applied_on,
      approvedOn: r.approved_on,
      disbursedOn: r.disbursed_on,
      maturityDate: r.maturity_date,
      closedOn: r.closed_on,
    };
  });
}

/** A loan that still needs a borrower's personal data: their own, or one they guarantee. */
export interface LoanHoldingFile {
  loanId: string;
  status: string;
  /** True when the borrower guarantees it rather than owes it. */
  guaranteed: boolean;
}

/**
 * The loans a borrower's file must be kept for: theirs and those they guarantee, unless rejected
 * or closed (a written-off loan is still pursued). One query, for the erasure's check.
 */
export async function loansHoldingFile(db: ReadModelDb, borrowerId: string): Promise<LoanHoldingFile[]> {
  const rows = await untyped(db)
    .selectFrom(LOANS_TABLE.name)
    .select(['loan_id', 'status', 'borrower_id'])
    .where('status', 'not in', ['rejected', 'closed'])
    .where((eb) =>
      eb.or([
        eb('borrower_id', '=', borrowerId),
        eb('loan_id', 'in', eb.selectFrom('rm_guarantees').select('loan_id').where('guarantor_id', '=', borrowerId)),
      ]),
    )
    .orderBy('loan_id')
    .execute();
  return rows.map((r) => ({ loanId: String(r.loan_id), status: String(r.status), guaranteed: r.borrower_id !== borrowerId }));
}
