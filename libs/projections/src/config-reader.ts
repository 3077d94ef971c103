import { loaded } from '@loanflow/commands';
import {
  Event,
  Folding,
  MONEY_RULES_STREAM,
  moneyRulesDecider,
  MoneyRulesState,
  POLICY_SETTINGS_STREAM,
  policySettingsDecider,
  PolicySettingsState,
  RISK_POINTS_STREAM,
  riskPointsDecider,
  RiskPointsState,
  SCORECARD_STREAM,
  scorecardDecider,
  ScorecardState,
  STRUCTURE_TARGETS_STREAM,
  StructureTargets,
  structureTargetsDecider,
  WARNING_RULES_STREAM,
  warningRulesDecider,
  WarningRulesState,
} from '@loanflow/domain';
import { EventStore } from '@loanflow/event-store';

/** A configuration as it stands, with its stream's version (-1 while the defaults apply). */
export type Current<S> = S & { version: number };

type ConfigStore = Pick<EventStore, 'readStream'>;

async function current<S, E extends Event>(store: ConfigStore, streamId: string, folding: Folding<S, E>): Promise<Current<S>> {
  const { state, version } = loaded(await store.readStream(streamId), folding);
  return { ...state, version };
}

/** The structure targets in force: what the portfolio report compares the mix against. Empty by default. */
export function loadStructureTargets(store: ConfigStore): Promise<Current<StructureTargets>> {
  return current(store, STRUCTURE_TARGETS_STREAM, structureTargetsDecider);
}

/** The policy settings in force (rotation tenure, inspection interval, committee); DEFAULT_POLICY_SETTINGS until set. */
export function loadPolicySettings(store: ConfigStore): Promise<Current<PolicySettingsState>> {
  return current(store, POLICY_SETTINGS_STREAM, policySettingsDecider);
}

/** The rating scorecard in force; none (version 0) until an administrator sets one. */
export function loadScorecard(store: ConfigStore): Promise<Current<ScorecardState>> {
  return current(store, SCORECARD_STREAM, scorecardDecider);
}

/** The risk-point catalogue; empty until set. */
export function loadRiskPoints(store: ConfigStore): Promise<Current<RiskPointsState>> {
  return current(store, RISK_POINTS_STREAM, riskPointsDecider);
}

/** The early-warning rules in force; DEFAULT_WARNING_RULES until set. */
export function loadWarningRules(store: ConfigStore): Promise<Current<WarningRulesState>> {
  return current(store, WARNING_RULES_STREAM, warningRulesDecider);
}

/** The money rules in force (day count, penalty surcharge, provision rates); DEFAULT_MONEY_RULES until set. */
export function loadMoneyRules(store: ConfigStore): Promise<Current<MoneyRulesState>> {
  return current(store, MONEY_RULES_STREAM, moneyRulesDecider);
}
