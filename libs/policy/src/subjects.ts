import { Act, amountDecided, Cents, eligibleApprovers, Loan, LoanCommand, needsCommittee, Post } from '@loanflow/domain';

export type LoanAction =
  | 'apply'
  | 'investigate'
  | 'examine'
  | 'approve'
  | 'disburse'
  | 'repay'
  | 'inspect'
  | 'classify'
  | 'addGuarantee'
  | 'demandRecovery'
  | 'extend'
  | 'writeOff'
  | 'recover';
export const LOAN_ACTIONS: readonly LoanAction[] = [
  'apply',
  'investigate',
  'examine',
  'approve',
  'disburse',
  'repay',
  'inspect',
  'classify',
  'addGuarantee',
  'demandRecovery',
  'extend',
  'writeOff',
  'recover',
];
export type StaffAction = 'register' | 'assignPost' | 'revokePost' | 'declareRelation';
/** Changing configuration (structure targets, policy settings): administrators only. */
export type ConfigAction = 'configure';
/** Erasing a borrower's personal data, when the law allows it: administrators only. */
export type BorrowerAction = 'erase';
/** `register` names both registering staff (admin) and registering a borrower (investigation). */
export type Action = LoanAction | StaffAction | ConfigAction | BorrowerAction | 'read';

/** What each post allows on loans of its branch. */
export const POST_ACTIONS: Record<Post, LoanAction[]> = {
  investigation: ['apply', 'investigate', 'addGuarantee'],
  examination: ['examine'],
  approval: ['approve', 'extend', 'writeOff'],
  disbursement: ['disburse', 'repay', 'recover'],
  inspection: ['inspect', 'classify', 'demandRecovery'],
};

/** The post in whose name an action acts on the loan; receiving a repayment decides nothing. */
export const ACTING_POST: Partial<Record<LoanAction, Post>> = {
  apply: 'investigation',
  investigate: 'investigation',
  examine: 'examination',
  approve: 'approval',
  disburse: 'disbursement',
  inspect: 'inspection',
  classify: 'inspection',
  addGuarantee: 'investigation',
  demandRecovery: 'inspection',
  extend: 'approval',
  writeOff: 'approval',
};

const COMMAND_ACTION: Record<LoanCommand['type'], LoanAction> = {
  ApplyForLoan: 'apply',
  CompleteInvestigation: 'investigate',
  CompleteExamination: 'examine',
  DecideApproval: 'approve',
  DisburseLoan: 'disburse',
  ReceiveRepayment: 'repay',
  RecordInspection: 'inspect',
  ClassifyLoan: 'classify',
  AddGuarantee: 'addGuarantee',
  DemandEarlyRecovery: 'demandRecovery',
  ExtendLoan: 'extend',
  WriteOffLoan: 'writeOff',
  RecordRecovery: 'recover',
  // The end-of-day runs are the system's, not a person's: no handler puts them through the policy.
  ClassifyAtEndOfDay: 'classify',
  ReviewRiskSignals: 'inspect',
};

export function actionOf(command: Pick<LoanCommand, 'type'>): LoanAction {
  return COMMAND_ACTION[command.type];
}

/** The loan as the policy sees it: whose it is, where, who acted, and the amount an approval would grant. */
export interface LoanSubject {
  kind: 'Loan';
  loanId: string;
  branchId: string;
  borrowerId: string;
  actors: Record<Post, string[]>;
  acts: Act[];
  approvalAmount?: Cents;
}

export function loanSubject(loanId: string, state: Loan, command?: LoanCommand): LoanSubject {
  const subject: LoanSubject = {
    kind: 'Loan',
    loanId,
    branchId: state.branchId,
    borrowerId: state.borrowerId,
    actors: state.actors,
    acts: state.acts,
  };
  if (command?.type === 'ApplyForLoan') {
    subject.branchId = command.data.branchId;
    subject.borrowerId = command.data.borrowerId;
  }
  // Within single authority the approver's own limit must cover the amount; a committee's members vote whatever their limits.
  if (command?.type === 'DecideApproval' && command.data.decision === 'approve' && command.data.terms) {
    const amount = amountDecided(state, command.data.terms);
    if (!needsCommittee(state, amount, eligibleApprovers(state, command.data.approvers))) subject.approvalAmount = amount;
  }
  return subject;
}

export interface StaffSubject {
  kind: 'Staff';
  staffId: string;
  /** The id has acted as an administrator's: no staff record may be registered under it. */
  administrator?: boolean;
}

export interface BorrowerSubject {
  kind: 'Borrower';
  borrowerId: string;
}

/** The subject an administrator closes business days on (end of day over HTTP): administrators only, like configuration. */
export const BUSINESS_DAYS = 'business-day';

/** A configuration stream: `structure-targets`, `policy-settings`. */
export interface ConfigSubject {
  kind: 'Config';
  configId: string;
}

/** A read model answer: the loan list and reports (`Report`), or compliance findings (`Compliance`). */
export interface ReadModelSubject {
  kind: 'Report' | 'Compliance';
  name: string;
}

export type Subject = LoanSubject | StaffSubject | BorrowerSubject | ConfigSubject | ReadModelSubject;

/** The id of the resource a subject names, as the access-audit log records it. */
export function subjectId(subject: Subject): string {
  switch (subject.kind) {
    case 'Loan':
      return subject.loanId;
    case 'Staff':
      return subject.staffId;
    case 'Borrower':
      return subject.borrowerId;
    case 'Config':
      return subject.configId;
    case 'Report':
    case 'Compliance':
      return subject.name;
  }
}
