import { Command } from '../../decider';
import { ExaminationCompleted, ExaminationReturned, LoanRejected } from '../events';
import { Loan } from '../state';
import { Acting, requireStatus } from './guards';

export type CompleteExamination = Command<
  'CompleteExamination',
  { opinion: 'pass' | 'return' | 'reject'; comments: string; riskPoints: string[] } & Acting
>;

export function completeExamination(
  c: CompleteExamination,
  s: Loan,
): [ExaminationCompleted] | [ExaminationReturned] | [ExaminationCompleted, LoanRejected] {
  requireStatus(s, 'investigated', 'examined');
  const { opinion, comments, riskPoints, by, now } = c.data;
  const loanId = s.loanId!;
  switch (opinion) {
    case 'pass':
      return [{ type: 'ExaminationCompleted', data: { loanId, examinerId: by, opinion, comments, riskPoints, at: now } }];
    case 'return':
      return [{ type: 'ExaminationReturned', data: { loanId, examinerId: by, comments, riskPoints, at: now } }];
    case 'reject':
      return [
        { type: 'ExaminationCompleted', data: { loanId, examinerId: by, opinion, comments, riskPoints, at: now } },
        { type: 'LoanRejected', data: { loanId, stage: 'examination', rejectedBy: by, reason: comments, at: now } },
      ];
  }
}
