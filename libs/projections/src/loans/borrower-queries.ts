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
