import { Command } from '../../decider';
import { InspectionRecorded } from '../events';
import { Loan } from '../state';
import { Acting, requireStatus } from './guards';

export type RecordInspection = Command<'RecordInspection', { findings: string; riskPoints: string[]; signals: string[] } & Acting>;

export function recordInspection(c: RecordInspection, s: Loan): [InspectionRecorded] {
  requireStatus(s, 'active', 'inspected');
  const { findings, riskPoints, signals, by, now } = c.data;
  return [{ type: 'InspectionRecorded', data: { loanId: s.loanId!, inspectorId: by, findings, riskPoints, signals, at: now } }];
}
