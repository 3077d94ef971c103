import { Post } from '../staff/posts';
import { Cents } from '../money';
import { Category } from '../rules/classification';
import { Instalment, RepaymentMethod } from '../rules/schedule';
import { LoanEvent, Security, Terms } from './events';

export type LoanStatus = 'none' | 'applied' | 'investigated' | 'examined' | 'approved' | 'rejected' | 'active' | 'closed';

/** One recorded act on the loan: who, in which post, when, as which event. */
export interface Act {
  post: Post;
  by: string;
  at: string;
  event: LoanEvent['type'];
}

export interface ScheduledInstalment extends Instalment {
  principalPaid: Cents;
  interestPaid: Cents;
  /** The business date of the payment that settled the instalment in full; null while anything is owed. */
  settledOn: string | null;
}

/** The system's classification at end of day is not an act of any person. */
export const SYSTEM_CLASSIFIER = 'system';

export interface Loan {
  loanId: string | null;
  status: LoanStatus;
  borrowerId: string;
  branchId: string;
  officerId: string;
  purpose: string;
  sector: string;
  agricultural: boolean;
  security: Security | null;
  requested: { amount: Cents; termMonths: number; repayment: RepaymentMethod } | null;
  proposedTerms: Terms | null;
  approvedTerms: Terms | null;
  /** Everyone who acted on the loan, per post: the dynamic separation rules read this. */
  actors: Record<Post, string[]>;
  acts: Act[];
  approvedOn: string | null;
  disbursement: { amount: Cents; disbursedOn: string; maturityDate: string; repayment: RepaymentMethod; annualRateBps: number } | null;
  schedule: ScheduledInstalment[];
  repaid: { principal: Cents; interest: Cents };
  outstanding: { principal: Cents; interest: Cents };
  lastPaidOn: string | null;
  rejection: { stage: string; by: string; reason: string } | null;
  closedOn: string | null;
  category: Category;
  /** The last category a person set: end of day keeps the loan at least this bad. */
  manualCategory: Category | null;
  classification: { category: Category; asOf: string; daysPastDue: number; by: string; reason: string } | null;
}

export const initialLoan: Loan = {
  loanId: null,
  status: 'none',
  borrowerId: '',
  branchId: '',
  officerId: '',
  purpose: '',
  sector: '',
  agricultural: false,
  security: null,
  requested: null,
  proposedTerms: null,
  approvedTerms: null,
  actors: { investigation: [], examination: [], approval: [], disbursement: [], inspection: [] },
  acts: [],
  approvedOn: null,
  disbursement: null,
  schedule: [],
  repaid: { principal: 0, interest: 0 },
  outstanding: { principal: 0, interest: 0 },
  lastPaidOn: null,
  rejection: null,
  closedOn: null,
  category: 'normal',
  manualCategory: null,
  classification: null,
};

function withAct(state: Loan, post: Post, by: string, at: string, event: LoanEvent['type']): Loan {
  const actors = state.actors[post].includes(by) ? state.actors : { ...state.actors, [post]: [...state.actors[post], by] };
  return { ...state, actors, acts: [...state.acts, { post, by, at, event }] };
}

export function evolveLoan(state: Loan, event: LoanEvent): Loan {
  switch (event.type) {
    case 'LoanApplied': {
      const d = event.data;
      const applied: Loan = {
        ...state,
        loanId: d.loanId,
        status: 'applied',
        borrowerId: d.borrowerId,
        branchId: d.branchId,
        officerId: d.officerId,
        purpose: d.purpose,
        sector: d.sector,
        agricultural: d.agricultural,
        security: d.security,
        requested: { amount: d.amount, termMonths: d.termMonths, repayment: d.repayment },
      };
      return withAct(applied, 'investigation', d.officerId, d.at, event.type);
    }
    case 'InvestigationCompleted': {
      const d = event.data;
      const next = { ...state, status: 'investigated' as const, proposedTerms: d.proposedTerms ?? null };
      return withAct(next, 'investigation', d.investigatorId, d.at, event.type);
    }
    case 'ExaminationCompleted': {
      const d = event.data;
      return withAct({ ...state, status: d.opinion === 'pass' ? 'examined' : state.status }, 'examination', d.examinerId, d.at, event.type);
    }
    case 'ExaminationReturned':
      return withAct({ ...state, status: 'applied' }, 'examination', event.data.examinerId, event.data.at, event.type);
    case 'LoanApproved': {
      const d = event.data;
      const next = { ...state, status: 'approved' as const, approvedTerms: d.terms, approvedOn: d.approvedOn };
      return withAct(next, 'approval', d.approverId, d.at, event.type);
    }
    case 'LoanRejected': {
      const d = event.data;
      const next: Loan = { ...state, status: 'rejected', rejection: { stage: d.stage, by: d.rejectedBy, reason: d.reason } };
      // Investigation and examination record their act on their own event; an approver's
      // refusal is the approval act itself.
      return d.stage === 'approval' ? withAct(next, 'approval', d.rejectedBy, d.at, event.type) : next;
    }
    case 'LoanDisbursed': {
      const d = event.data;
      const next: Loan = {
        ...state,
        status: 'active',
        disbursement: {
          amount: d.amount,
          disbursedOn: d.disbursedOn,
          maturityDate: d.maturityDate,
          repayment: d.repayment,
          annualRateBps: d.annualRateBps,
        },
        // An instalment that owes nothing (a 0% bullet loan's interest months) is settled from the start.
        schedule: d.schedule.map((i) => ({
          ...i,
          principalPaid: 0,
          interestPaid: 0,
          settledOn: i.principal + i.interest === 0 ? d.disbursedOn : null,
        })),
        outstanding: {
          principal: d.amount,
          interest: d.schedule.reduce((sum, i) => sum + i.interest, 0),
        },
      };
      return withAct(next, 'disbursement', d.disbursedBy, d.at, event.type);
    }
    case 'RepaymentReceived': {
      const d = event.data;
      const paid = new Map(d.allocations.map((a) => [a.n, a]));
      return {
        ...state,
        schedule: state.schedule.map((i) => {
          const a = paid.get(i.n);
          if (!a) return i;
          const principalPaid = i.principalPaid + a.principal;
          const interestPaid = i.interestPaid + a.interest;
          const settled = i.settledOn === null && principalPaid + interestPaid >= i.principal + i.interest;
          return { ...i, principalPaid, interestPaid, settledOn: settled ? d.paidOn : i.settledOn };
        }),
        repaid: { principal: state.repaid.principal + d.principal, interest: state.repaid.interest + d.interest },
        outstanding: {
          principal: state.outstanding.principal - d.principal,
          interest: state.outstanding.interest - d.interest,
        },
        lastPaidOn: d.paidOn,
      };
    }
    case 'InspectionRecorded':
      return withAct(state, 'inspection', event.data.inspectorId, event.data.at, event.type);
    case 'LoanClassified': {
      const d = event.data;
      const next: Loan = {
        ...state,
        category: d.category,
        classification: { category: d.category, asOf: d.asOf, daysPastDue: d.daysPastDue, by: d.classifiedBy, reason: d.reason },
      };
      if (d.classifiedBy === SYSTEM_CLASSIFIER) return next;
      return withAct({ ...next, manualCategory: d.category }, 'inspection', d.classifiedBy, d.at, event.type);
    }
    case 'LoanClosed':
      return { ...state, status: 'closed', closedOn: event.data.closedOn };
  }
}
