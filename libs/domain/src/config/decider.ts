import { Command, Decider, Event } from '../decider';
import { RuleViolated } from '../errors';
import { bucketsOf, StructureTarget } from '../rules/portfolio';
import type { MoneyRulesSet } from './money';
import type { RiskConfigEvent } from './risk';

export const STRUCTURE_TARGETS_STREAM = 'config-structure-targets';
export const POLICY_SETTINGS_STREAM = 'config-policy-settings';

export type PolicySettings = {
  /** A post held longer than this is flagged for rotation. */
  rotationTenureMonths: number;
  /** An active loan not inspected for this long is flagged. */
  inspectionIntervalDays: number;
  /** A loan above every eligible approver's limit goes to a committee of this many approvers... */
  committeeSize: number;
  /** ...and is approved once this many of them approve. */
  committeeMajority: number;
};

export const DEFAULT_POLICY_SETTINGS: PolicySettings = {
  rotationTenureMonths: 36,
  inspectionIntervalDays: 90,
  committeeSize: 3,
  committeeMajority: 2,
};
export const DEFAULT_STRUCTURE_TARGETS: readonly StructureTarget[] = [];

/** The whole list of targets replaces the previous one. */
export type StructureTargetsSet = Event<'StructureTargetsSet', { targets: StructureTarget[]; by: string; at: string }>;
export type PolicySettingsSet = Event<'PolicySettingsSet', PolicySettings & { by: string; at: string }>;
export type ConfigEvent = StructureTargetsSet | PolicySettingsSet | RiskConfigEvent | MoneyRulesSet;

export type SetStructureTargets = Command<'SetStructureTargets', { targets: StructureTarget[]; by: string; now: string }>;
export type SetPolicySettings = Command<'SetPolicySettings', PolicySettings & { by: string; now: string }>;

/** Who changed a setting last, and when; null while the defaults apply. */
export interface Changed {
  changedBy: string | null;
  changedAt: string | null;
}

export interface StructureTargets extends Changed {
  targets: StructureTarget[];
}

export type PolicySettingsState = PolicySettings & Changed;

export const initialStructureTargets: StructureTargets = { targets: [...DEFAULT_STRUCTURE_TARGETS], changedBy: null, changedAt: null };
export const initialPolicySettings: PolicySettingsState = { ...DEFAULT_POLICY_SETTINGS, changedBy: null, changedAt: null };

const MAX_BPS = 10_000;

function named(t: StructureTarget): string {
  return `${t.dimension} ${t.bucket}`;
}

function requireValidTargets(targets: readonly StructureTarget[]): void {
  const seen = new Set<string>();
  const minimums = new Map<string, number>();
  for (const t of targets) {
    const buckets = bucketsOf(t.dimension);
    if (buckets ? !buckets.includes(t.bucket) : t.bucket.trim() === '')
      throw new RuleViolated(
        'UNKNOWN_BUCKET',
        `${named(t)}: ${t.dimension} buckets are ${buckets?.join(', ') ?? 'non-empty sector names'}`,
      );
    if (t.minShareBps === undefined && t.maxShareBps === undefined)
      throw new RuleViolated('TARGET_WITHOUT_BOUNDS', `${named(t)} needs a minShareBps, a maxShareBps or both`);
    for (const share of [t.minShareBps, t.maxShareBps])
      if (share !== undefined && (!Number.isInteger(share) || share < 0 || share > MAX_BPS))
        throw new RuleViolated('SHARE_OUT_OF_RANGE', `${named(t)}: shares are whole basis points from 0 to ${MAX_BPS}`);
    if (t.minShareBps !== undefined && t.maxShareBps !== undefined && t.minShareBps > t.maxShareBps)
      throw new RuleViolated('TARGET_MIN_ABOVE_MAX', `${named(t)}: minShareBps ${t.minShareBps} is above maxShareBps ${t.maxShareBps}`);
    const key = `${t.dimension}\u0000${t.bucket}`;
    if (seen.has(key)) throw new RuleViolated('DUPLICATE_TARGET', `${named(t)} has more than one target`);
    seen.add(key);
    const minimum = (minimums.get(t.dimension) ?? 0) + (t.minShareBps ?? 0);
    if (minimum > MAX_BPS)
      throw new RuleViolated('MINIMUMS_ABOVE_WHOLE', `the minimum shares of ${t.dimension} add up to more than the whole portfolio`);
    minimums.set(t.dimension, minimum);
  }
}

export function evolveStructureTargets(_: StructureTargets, event: StructureTargetsSet): StructureTargets {
  return { targets: event.data.targets, changedBy: event.data.by, changedAt: event.data.at };
}

export function decideStructureTargets(command: SetStructureTargets, _: StructureTargets): [StructureTargetsSet] {
  const { targets, by, now } = command.data;
  requireValidTargets(targets);
  // Written without absent bounds, so the recorded event carries no `undefined`.
  const recorded = targets.map(({ dimension, bucket, minShareBps, maxShareBps }) => ({
    dimension,
    bucket,
    ...(minShareBps !== undefined ? { minShareBps } : {}),
    ...(maxShareBps !== undefined ? { maxShareBps } : {}),
  }));
  return [{ type: 'StructureTargetsSet', data: { targets: recorded, by, at: now } }];
}

export function evolvePolicySettings(_: PolicySettingsState, event: PolicySettingsSet): PolicySettingsState {
  // Settings recorded before the committee rule existed leave it at its default.
  const { committeeSize, committeeMajority } = { ...DEFAULT_POLICY_SETTINGS, ...event.data };
  const { rotationTenureMonths, inspectionIntervalDays, by, at } = event.data;
  return { rotationTenureMonths, inspectionIntervalDays, committeeSize, committeeMajority, changedBy: by, changedAt: at };
}

export function decidePolicySettings(command: SetPolicySettings, _: PolicySettingsState): [PolicySettingsSet] {
  const { rotationTenureMonths, inspectionIntervalDays, committeeSize, committeeMajority, by, now } = command.data;
  for (const [name, value] of Object.entries({ rotationTenureMonths, inspectionIntervalDays, committeeSize, committeeMajority }))
    if (!Number.isInteger(value) || value < 1)
      throw new RuleViolated('SETTING_OUT_OF_RANGE', `${name} must be a whole number of at least 1`);
  if (committeeMajority * 2 <= committeeSize || committeeMajority > committeeSize)
    throw new RuleViolated(
      'SETTING_OUT_OF_RANGE',
      `committeeMajority ${committeeMajority} must be more than half of committeeSize ${committeeSize} and at most all of it`,
    );
  return [
    {
      type: 'PolicySettingsSet',
      data: { rotationTenureMonths, inspectionIntervalDays, committeeSize, committeeMajority, by, at: now },
    },
  ];
}

export const structureTargetsDecider: Decider<SetStructureTargets, StructureTargets, StructureTargetsSet> = {
  initialState: initialStructureTargets,
  evolve: evolveStructureTargets,
  decide: decideStructureTargets,
};

export const policySettingsDecider: Decider<SetPolicySettings, PolicySettingsState, PolicySettingsSet> = {
  initialState: initialPolicySettings,
  evolve: evolvePolicySettings,
  decide: decidePolicySettings,
};
