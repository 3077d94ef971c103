import { Command } from '../../decider';
import { IllegalState } from '../../errors';
import { DesiredSignal } from '../../rules/risk';
import { RiskSignalRaised, RiskSignalResolved } from '../events';
import { Loan, openSignals, Signal, SYSTEM_CLASSIFIER } from '../state';

/** End of day: the signals the warning rules want open on the loan today. The system's, not a person's. */
export type ReviewRiskSignals = Command<'ReviewRiskSignals', { asOf: string; now: string; desired: DesiredSignal[] }>;

/** Numbers the signals a command raises after those already on the loan: S1, S2, ... */
export function raise(
  s: Loan,
  desired: readonly DesiredSignal[],
  raisedBy: string,
  raisedOn: string,
  at: string,
  earlier = 0,
): RiskSignalRaised[] {
  return desired.map((d, i) => ({
    type: 'RiskSignalRaised',
    data: {
      loanId: s.loanId!,
      signalId: `S${s.signals.length + earlier + i + 1}`,
      rule: d.rule,
      severity: d.severity,
      evidence: d.evidence,
      action: d.action,
      raisedBy,
      raisedOn,
      at,
    },
  }));
}

export function resolve(
  s: Loan,
  signalIds: readonly string[],
  resolution: string,
  resolvedBy: string,
  resolvedOn: string,
  at: string,
): RiskSignalResolved[] {
  return signalIds.map((signalId) => {
    const signal = s.signals.find((x) => x.signalId === signalId)!;
    return { type: 'RiskSignalResolved', data: { loanId: s.loanId!, signalId, rule: signal.rule, resolution, resolvedBy, resolvedOn, at } };
  });
}

/** The open signals an action names as dealt with: each must exist and be open. */
export function requireOpen(s: Loan, signalIds: readonly string[] | undefined): string[] {
  const ids = [...new Set(signalIds ?? [])];
  for (const id of ids)
    if (!openSignals(s).some((x) => x.signalId === id))
      throw new IllegalState('SIGNAL_NOT_OPEN', `loan ${s.loanId} has no open signal ${id}`);
  return ids;
}

type OpenSignal = Pick<Signal, 'signalId' | 'rule' | 'severity' | 'raisedBy'>;

/**
 * What a review would change on a loan with these open signals: the system's signals the rules
 * no longer want (or want at another severity), and the wanted ones not open. An inspector's
 * finding is theirs to close. End of day asks this of the read model before loading any loan.
 */
export function signalChanges<S extends OpenSignal>(
  open: readonly S[],
  desired: readonly DesiredSignal[],
): { stale: S[]; fresh: DesiredSignal[] } {
  const system = open.filter((x) => x.raisedBy === SYSTEM_CLASSIFIER);
  return {
    stale: system.filter((x) => !desired.some((d) => d.rule === x.rule && d.severity === x.severity)),
    fresh: desired.filter((d) => d.rule !== 'inspection_flagged' && !system.some((x) => x.rule === d.rule && x.severity === d.severity)),
  };
}

/**
 * Raises what the rules want and is not open (or is open at another severity), and resolves the
 * system's open signals the rules no longer want. Idempotent: a second review with the same
 * wishes changes nothing.
 */
export function reviewRiskSignals(c: ReviewRiskSignals, s: Loan): (RiskSignalRaised | RiskSignalResolved)[] {
  if (s.status !== 'active') return [];
  const { asOf, now, desired } = c.data;
  const { stale, fresh } = signalChanges(openSignals(s), desired);
  const resolved = stale.map((x) => {
    const escalated = desired.find((d) => d.rule === x.rule);
    return { id: x.signalId, why: escalated ? `now ${escalated.severity}: ${escalated.evidence}` : `no longer holds on ${asOf}` };
  });
  if (resolved.length === 0 && fresh.length === 0) return [];
  return [
    ...resolved.flatMap((r) => resolve(s, [r.id], r.why, SYSTEM_CLASSIFIER, asOf, now)),
    ...raise(s, fresh, SYSTEM_CLASSIFIER, asOf, now),
  ];
}
