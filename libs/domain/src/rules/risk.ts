import { Cents, formatCents } from '../money';

export type Severity = 'low' | 'medium' | 'high' | 'critical';
export const SEVERITIES: readonly Severity[] = ['low', 'medium', 'high', 'critical'];

/** What the officer is told to do about a signal. */
export type RecommendedAction = 'add_guarantee' | 'early_recovery' | 'preservation' | 'reinspect';
export const RECOMMENDED_ACTIONS: readonly RecommendedAction[] = ['add_guarantee', 'early_recovery', 'preservation', 'reinspect'];

/** The early-warning rules. `inspection_flagged` is raised by an inspection; the others at end of day. */
export type SignalRule =
  | 'late_repayment'
  | 'inspection_overdue'
  | 'inspection_flagged'
  | 'guarantor_non_performing'
  | 'maturity_with_open_signals'
  | 'borrower_concentration'
  | 'guarantor_concentration';
export const SIGNAL_RULES: readonly SignalRule[] = [
  'late_repayment',
  'inspection_overdue',
  'inspection_flagged',
  'guarantor_non_performing',
  'maturity_with_open_signals',
  'borrower_concentration',
  'guarantor_concentration',
];

export type RiskLevel = 'green' | 'yellow' | 'orange' | 'red';
export const RISK_LEVELS: readonly RiskLevel[] = ['green', 'yellow', 'orange', 'red'];

interface Raising {
  severity: Severity;
  action: RecommendedAction;
}

/** The early-warning rules as data (the `config-warning-rules` stream). */
export interface WarningRules {
  /** Each threshold raises from `days` past due; the highest one reached sets the severity. */
  latePayment: { thresholds: { days: number; severity: Severity }[]; action: RecommendedAction };
  inspectionOverdue: Raising;
  inspectionFlagged: Raising;
  guarantorNonPerforming: Raising;
  maturityWithOpenSignals: Raising & { withinDays: number };
  /** Outstanding principal of one borrower's active loans, or guaranteed by one guarantor, above `limit`. */
  borrowerConcentration: Raising & { limit: Cents };
  guarantorConcentration: Raising & { limit: Cents };
  /** A loan is inspected at least this often, by its borrower's risk level. */
  inspectionIntervalDays: Record<RiskLevel, number>;
  /** A rating score below this keeps the borrower at least yellow. */
  watchScoreBelow: number;
}

export const DEFAULT_WARNING_RULES: WarningRules = {
  latePayment: {
    thresholds: [
      { days: 1, severity: 'low' },
      { days: 31, severity: 'medium' },
      { days: 91, severity: 'high' },
      { days: 181, severity: 'critical' },
    ],
    action: 'early_recovery',
  },
  inspectionOverdue: { severity: 'medium', action: 'reinspect' },
  inspectionFlagged: { severity: 'high', action: 'preservation' },
  guarantorNonPerforming: { severity: 'high', action: 'add_guarantee' },
  maturityWithOpenSignals: { withinDays: 30, severity: 'high', action: 'early_recovery' },
  borrowerConcentration: { limit: 100_000_000, severity: 'medium', action: 'add_guarantee' },
  guarantorConcentration: { limit: 100_000_000, severity: 'medium', action: 'add_guarantee' },
  inspectionIntervalDays: { red: 30, orange: 30, yellow: 60, green: 90 },
  watchScoreBelow: 60,
};

/** A signal that should be open on a loan, as the rules see its facts today. */
export interface DesiredSignal {
  rule: SignalRule;
  severity: Severity;
  action: RecommendedAction;
  evidence: string;
}

/** What end of day knows of one active loan when it applies the rules. */
export interface LoanRiskFacts {
  asOf: string;
  daysPastDue: number;
  maturityDate: string;
  /** Days from `asOf` since the last inspection (or disbursement when never inspected). */
  daysSinceInspection: number;
  level: RiskLevel;
  /** Rules of the signals open on the loan now. */
  openRules: SignalRule[];
  /** Guarantors of this loan whose own loans are non-performing, with the loans. */
  nonPerformingGuarantors: { guarantorId: string; loanIds: string[] }[];
  borrowerExposure: { borrowerId: string; outstanding: Cents };
  /** For each guarantor of this loan, what they guarantee in all. */
  guarantorExposures: { guarantorId: string; outstanding: Cents }[];
  daysToMaturity: number;
}

/**
 * The signals the end-of-day rules want open on one loan. Pure: the decider compares them with
 * the loan's open signals and raises or resolves the difference. `inspection_flagged` is the
 * inspector's and is neither raised nor resolved here.
 */
export function desiredSignals(rules: WarningRules, f: LoanRiskFacts): DesiredSignal[] {
  const out: DesiredSignal[] = [];
  const reached = rules.latePayment.thresholds.filter((t) => f.daysPastDue >= t.days).sort((a, b) => b.days - a.days)[0];
  if (reached)
    out.push({
      rule: 'late_repayment',
      severity: reached.severity,
      action: rules.latePayment.action,
      evidence: `${f.daysPastDue} days past due on ${f.asOf} (threshold ${reached.days})`,
    });
  const interval = rules.inspectionIntervalDays[f.level];
  if (f.daysSinceInspection > interval)
    out.push({
      rule: 'inspection_overdue',
      ...rules.inspectionOverdue,
      evidence: `not inspected for ${f.daysSinceInspection} days; a ${f.level} borrower is inspected every ${interval} days`,
    });
  if (f.nonPerformingGuarantors.length > 0)
    out.push({
      rule: 'guarantor_non_performing',
      ...rules.guarantorNonPerforming,
      evidence: f.nonPerformingGuarantors
        .map((g) => `guarantor ${g.guarantorId}'s own loan ${g.loanIds.join(', ')} is non-performing`)
        .join('; '),
    });
  const others = f.openRules.filter((r) => r !== 'maturity_with_open_signals');
  const otherDesired = out.length > 0 || others.some((r) => r === 'inspection_flagged');
  if (f.daysToMaturity >= 0 && f.daysToMaturity <= rules.maturityWithOpenSignals.withinDays && otherDesired) {
    const { withinDays, ...raising } = rules.maturityWithOpenSignals;
    out.push({
      rule: 'maturity_with_open_signals',
      ...raising,
      evidence: `matures on ${f.maturityDate} (in ${f.daysToMaturity} days, within ${withinDays}) with open signals`,
    });
  }
  if (f.borrowerExposure.outstanding > rules.borrowerConcentration.limit) {
    const { limit, ...raising } = rules.borrowerConcentration;
    out.push({
      rule: 'borrower_concentration',
      ...raising,
      evidence: `borrower ${f.borrowerExposure.borrowerId} owes ${formatCents(f.borrowerExposure.outstanding)} in all, above the ${formatCents(limit)} limit`,
    });
  }
  const over = f.guarantorExposures.filter((g) => g.outstanding > rules.guarantorConcentration.limit);
  if (over.length > 0) {
    const { limit, ...raising } = rules.guarantorConcentration;
    out.push({
      rule: 'guarantor_concentration',
      ...raising,
      evidence: over
        .map((g) => `guarantor ${g.guarantorId} guarantees ${formatCents(g.outstanding)}, above the ${formatCents(limit)} limit`)
        .join('; '),
    });
  }
  return out;
}

const SEVERITY_RANK: Record<Severity, number> = { low: 0, medium: 1, high: 2, critical: 3 };

export function worseSeverity(a: Severity, b: Severity): Severity {
  return SEVERITY_RANK[a] >= SEVERITY_RANK[b] ? a : b;
}

/**
 * A borrower's risk level from what is known of them:
 * - red: more than 90 days past due, a non-performing loan, or a critical signal;
 * - orange: more than 30 days past due, a high signal, or an open inspection finding;
 * - yellow: any day past due, any open signal, or a rating score below the watch line;
 * - green otherwise.
 */
export function riskLevel(input: {
  daysPastDue: number;
  nonPerforming: boolean;
  openSeverities: Severity[];
  inspectionFlagged: boolean;
  score: number | null;
  watchScoreBelow: number;
}): RiskLevel {
  const worst = input.openSeverities.reduce<number>((w, s) => Math.max(w, SEVERITY_RANK[s]), -1);
  if (input.daysPastDue > 90 || input.nonPerforming || worst >= SEVERITY_RANK.critical) return 'red';
  if (input.daysPastDue > 30 || worst >= SEVERITY_RANK.high || input.inspectionFlagged) return 'orange';
  if (input.daysPastDue > 0 || worst >= 0 || (input.score !== null && input.score < input.watchScoreBelow)) return 'yellow';
  return 'green';
}

export function worseLevel(a: RiskLevel, b: RiskLevel): RiskLevel {
  return RISK_LEVELS.indexOf(a) >= RISK_LEVELS.indexOf(b) ? a : b;
}
