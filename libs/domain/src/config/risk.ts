import { Command, Decider, Event } from '../decider';
import { RuleViolated } from '../errors';
import { DEFAULT_WARNING_RULES, RECOMMENDED_ACTIONS, RISK_LEVELS, SEVERITIES, WarningRules } from '../rules/risk';
import { requireValidScorecard, Scorecard } from '../rules/scorecard';
import { Changed } from './decider';

/** Where in a loan's life a risk point is found. */
export type RiskPointStage = 'investigation' | 'examination' | 'approval' | 'disbursement' | 'post_loan';
export const RISK_POINT_STAGES: readonly RiskPointStage[] = ['investigation', 'examination', 'approval', 'disbursement', 'post_loan'];

export interface RiskPoint {
  code: string;
  stage: RiskPointStage;
  description: string;
}

/** Each set replaces the whole scorecard; its version is the count of sets so far (1, 2, ...). */
export type ScorecardSet = Event<'ScorecardSet', Scorecard & { version: number; by: string; at: string }>;
export type RiskPointsSet = Event<'RiskPointsSet', { points: RiskPoint[]; by: string; at: string }>;
export type WarningRulesSet = Event<'WarningRulesSet', { rules: WarningRules; by: string; at: string }>;
export type RiskConfigEvent = ScorecardSet | RiskPointsSet | WarningRulesSet;

export type SetScorecard = Command<'SetScorecard', Scorecard & { by: string; now: string }>;
export type SetRiskPoints = Command<'SetRiskPoints', { points: RiskPoint[]; by: string; now: string }>;
export type SetWarningRules = Command<'SetWarningRules', { rules: WarningRules; by: string; now: string }>;

/** No scorecard until an administrator sets one: until then loans are not rated. */
export interface ScorecardState extends Changed {
  /** 0 while none is set, then 1, 2, ...: what ratings and decisions record. */
  scorecardVersion: number;
  scorecard: Scorecard | null;
}
export interface RiskPointsState extends Changed {
  points: RiskPoint[];
}
export interface WarningRulesState extends Changed {
  rules: WarningRules;
}

export const initialScorecard: ScorecardState = { scorecardVersion: 0, scorecard: null, changedBy: null, changedAt: null };
export const initialRiskPoints: RiskPointsState = { points: [], changedBy: null, changedAt: null };
export const initialWarningRules: WarningRulesState = { rules: DEFAULT_WARNING_RULES, changedBy: null, changedAt: null };

export const scorecardDecider: Decider<SetScorecard, ScorecardState, ScorecardSet> = {
  initialState: initialScorecard,
  evolve: (_, { data: { version, factors, grades, by, at } }) => ({
    scorecardVersion: version,
    scorecard: { factors, grades },
    changedBy: by,
    changedAt: at,
  }),
  decide: ({ data: { factors, grades, by, now } }, state) => {
    requireValidScorecard({ factors, grades });
    return [{ type: 'ScorecardSet', data: { version: state.scorecardVersion + 1, factors, grades, by, at: now } }];
  },
};

export const riskPointsDecider: Decider<SetRiskPoints, RiskPointsState, RiskPointsSet> = {
  initialState: initialRiskPoints,
  evolve: (_, { data: { points, by, at } }) => ({ points, changedBy: by, changedAt: at }),
  decide: ({ data: { points, by, now } }) => {
    const seen = new Set<string>();
    for (const p of points) {
      if (seen.has(p.code)) throw new RuleViolated('DUPLICATE_RISK_POINT', `risk point ${p.code} appears more than once`);
      seen.add(p.code);
    }
    return [{ type: 'RiskPointsSet', data: { points, by, at: now } }];
  },
};

/** Once a catalogue is set, acts tag only the points in it. */
export function requireCatalogued(tagged: readonly string[], catalogue: readonly RiskPoint[]): void {
  if (catalogue.length === 0) return;
  const unknown = tagged.filter((code) => !catalogue.some((p) => p.code === code));
  if (unknown.length > 0)
    throw new RuleViolated(
      'UNKNOWN_RISK_POINT',
      `${unknown.join(', ')} ${unknown.length === 1 ? 'is' : 'are'} not in the risk-point catalogue`,
    );
}

function requireValidWarningRules(rules: WarningRules): void {
  const bad = (message: string) => new RuleViolated('WARNING_RULE_INVALID', message);
  const raisings = {
    inspectionOverdue: rules.inspectionOverdue,
    inspectionFlagged: rules.inspectionFlagged,
    guarantorNonPerforming: rules.guarantorNonPerforming,
    maturityWithOpenSignals: rules.maturityWithOpenSignals,
    borrowerConcentration: rules.borrowerConcentration,
    guarantorConcentration: rules.guarantorConcentration,
  };
  for (const [name, r] of Object.entries(raisings)) {
    if (!SEVERITIES.includes(r.severity)) throw bad(`${name}.severity is one of ${SEVERITIES.join(', ')}`);
    if (!RECOMMENDED_ACTIONS.includes(r.action)) throw bad(`${name}.action is one of ${RECOMMENDED_ACTIONS.join(', ')}`);
  }
  if (!RECOMMENDED_ACTIONS.includes(rules.latePayment.action)) throw bad(`latePayment.action is one of ${RECOMMENDED_ACTIONS.join(', ')}`);
  const days = rules.latePayment.thresholds.map((t) => t.days);
  if (days.length === 0 || days.some((d, i) => !Number.isInteger(d) || d < 1 || (i > 0 && d <= days[i - 1])))
    throw bad('latePayment.thresholds are listed by rising whole days, from 1');
  for (const t of rules.latePayment.thresholds)
    if (!SEVERITIES.includes(t.severity)) throw bad(`latePayment threshold ${t.days}: severity is one of ${SEVERITIES.join(', ')}`);
  for (const level of RISK_LEVELS) {
    const interval = rules.inspectionIntervalDays[level];
    if (!Number.isInteger(interval) || interval < 1) throw bad(`inspectionIntervalDays.${level} is a whole number of days, at least 1`);
  }
  for (const [name, n] of Object.entries({
    'maturityWithOpenSignals.withinDays': rules.maturityWithOpenSignals.withinDays,
    'borrowerConcentration.limit': rules.borrowerConcentration.limit,
    'guarantorConcentration.limit': rules.guarantorConcentration.limit,
    watchScoreBelow: rules.watchScoreBelow,
  }))
    if (!Number.isInteger(n) || n < 0) throw bad(`${name} is a whole number, at least 0`);
}

export const warningRulesDecider: Decider<SetWarningRules, WarningRulesState, WarningRulesSet> = {
  initialState: initialWarningRules,
  evolve: (_, { data: { rules, by, at } }) => ({ rules, changedBy: by, changedAt: at }),
  decide: ({ data: { rules, by, now } }) => {
    requireValidWarningRules(rules);
    return [{ type: 'WarningRulesSet', data: { rules, by, at: now } }];
  },
};
