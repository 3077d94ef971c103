import { Decider } from '../decider';
import { ApplyForLoan, applyForLoan } from './commands/apply';
import { DecideApproval, decideApproval } from './commands/approve';
import { ClassifyAtEndOfDay, classifyAtEndOfDay, ClassifyLoan, classifyLoan } from './commands/classify';
import { DisburseLoan, disburseLoan } from './commands/disburse';
import { CompleteExamination, completeExamination } from './commands/examine';
import { RecordInspection, recordInspection } from './commands/inspect';
import { CompleteInvestigation, completeInvestigation } from './commands/investigate';
import { ReceiveRepayment, receiveRepayment } from './commands/repay';
import {
  AddGuarantee,
  addGuarantee,
  DemandEarlyRecovery,
  demandEarlyRecovery,
  ExtendLoan,
  extendLoan,
  RecordRecovery,
  recordRecovery,
  WriteOffLoan,
  writeOffLoan,
} from './commands/actions';
import { ReviewRiskSignals, reviewRiskSignals } from './commands/signals';
import { LoanEvent } from './events';
import { evolveLoan, initialLoan, Loan } from './state';

export type LoanCommand =
  | ApplyForLoan
  | CompleteInvestigation
  | CompleteExamination
  | DecideApproval
  | DisburseLoan
  | ReceiveRepayment
  | RecordInspection
  | ClassifyLoan
  | ClassifyAtEndOfDay
  | ReviewRiskSignals
  | AddGuarantee
  | DemandEarlyRecovery
  | ExtendLoan
  | WriteOffLoan
  | RecordRecovery;

export function decideLoan(command: LoanCommand, state: Loan): LoanEvent[] {
  switch (command.type) {
    case 'ApplyForLoan':
      return applyForLoan(command, state);
    case 'CompleteInvestigation':
      return completeInvestigation(command, state);
    case 'CompleteExamination':
      return completeExamination(command, state);
    case 'DecideApproval':
      return decideApproval(command, state);
    case 'DisburseLoan':
      return disburseLoan(command, state);
    case 'ReceiveRepayment':
      return receiveRepayment(command, state);
    case 'RecordInspection':
      return recordInspection(command, state);
    case 'ClassifyLoan':
      return classifyLoan(command, state);
    case 'ClassifyAtEndOfDay':
      return classifyAtEndOfDay(command, state);
    case 'ReviewRiskSignals':
      return reviewRiskSignals(command, state);
    case 'AddGuarantee':
      return addGuarantee(command, state);
    case 'DemandEarlyRecovery':
      return demandEarlyRecovery(command, state);
    case 'ExtendLoan':
      return extendLoan(command, state);
    case 'WriteOffLoan':
      return writeOffLoan(command, state);
    case 'RecordRecovery':
      return recordRecovery(command, state);
  }
}

export const loanDecider: Decider<LoanCommand, Loan, LoanEvent> = {
  initialState: initialLoan,
  evolve: evolveLoan,
  decide: decideLoan,
};
