import { POLICY_SETTINGS_STREAM, STRUCTURE_TARGETS_STREAM } from './decider';
import { MONEY_RULES_STREAM } from './money';

export const SCORECARD_STREAM = 'config-scorecard';
export const RISK_POINTS_STREAM = 'config-risk-points';
export const WARNING_RULES_STREAM = 'config-warning-rules';

/** Every configuration stream: each rule change is an audited event on one of these. */
export const CONFIG_STREAMS: readonly string[] = [
  STRUCTURE_TARGETS_STREAM,
  POLICY_SETTINGS_STREAM,
  SCORECARD_STREAM,
  RISK_POINTS_STREAM,
  WARNING_RULES_STREAM,
  MONEY_RULES_STREAM,
];
