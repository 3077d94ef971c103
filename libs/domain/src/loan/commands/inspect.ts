import { Acting, Command } from '../../decider';
import { WarningRules } from '../../rules/risk';
import { InspectionRecorded, RiskSignalRaised, RiskSignalResolved } from '../events';
import { Loan, openSignals } from '../state';
import { requireStatus } from './guards';
import { raise, resolve } from './signals';

export type RecordInspection = Command<
  'RecordInspection',
  { findings: string; riskPoints: string[]; signals: string[]; flagged: WarningRules['inspectionFlagged'] } & Acting
>;

/**
 * An inspection that flags anything raises an `inspection_flagged` signal naming what it found;
 * a clean re-inspection resolves the findings flagged before.
 */
export function recordInspection(c: RecordInspection, s: Loan): (InspectionRecorded | RiskSignalRaised | RiskSignalResolved)[] {
  requireStatus(s, 'active', 'inspected');
  const { findings, riskPoints, signals, flagged, by, now, today } = c.data;
  const recorded: InspectionRecorded = {
    type: 'InspectionRecorded',
    data: { loanId: s.loanId!, inspectorId: by, findings, riskPoints, signals, at: now },
  };
  const earlier = openSignals(s)
    .filter((x) => x.rule === 'inspection_flagged')
    .map((x) => x.signalId);
  if (signals.length === 0) return [recorded, ...resolve(s, earlier, `re-inspected by ${by}: nothing flagged`, by, today, now)];
  if (earlier.length > 0) return [recorded];
  return [recorded, ...raise(s, [{ rule: 'inspection_flagged', ...flagged, evidence: signals.join('; ') }], by, today, now)];
}
