import { StructureTarget } from '../rules/portfolio';
import { givenFor } from '../testing/given';
import {
  DEFAULT_POLICY_SETTINGS,
  PolicySettingsSet,
  policySettingsDecider,
  SetPolicySettings,
  SetStructureTargets,
  structureTargetsDecider,
  StructureTargetsSet,
} from './decider';

const at = '2026-03-02T09:00:00.000Z';
const setTargets = (targets: StructureTarget[]): SetStructureTargets => ({
  type: 'SetStructureTargets',
  data: { targets, by: 'root', now: at },
});
const setSettings = (rotationTenureMonths: number, inspectionIntervalDays: number): SetPolicySettings => ({
  type: 'SetPolicySettings',
  data: { rotationTenureMonths, inspectionIntervalDays, committeeSize: 3, committeeMajority: 2, by: 'root', now: at },
});

describe('structure targets', () => {
  const given = (events: StructureTargetsSet[]) => givenFor(structureTargetsDecider, events);

  it('start empty, with nobody having changed them', () =>
    expect(given([]).state).toEqual({ targets: [], changedBy: null, changedAt: null }));

  it('are replaced as a whole list, absent bounds left out', () => {
    const targets: StructureTarget[] = [
      { dimension: 'purpose', bucket: 'agricultural', minShareBps: 6_000 },
      { dimension: 'security', bucket: 'credit', minShareBps: undefined, maxShareBps: 3_000 },
      { dimension: 'sector', bucket: 'grain', minShareBps: 1_000, maxShareBps: 4_000 },
    ];
    const [event] = structureTargetsDecider.decide(setTargets(targets), structureTargetsDecider.initialState);
    expect(event).toEqual({
      type: 'StructureTargetsSet',
      data: {
        targets: [
          { dimension: 'purpose', bucket: 'agricultural', minShareBps: 6_000 },
          { dimension: 'security', bucket: 'credit', maxShareBps: 3_000 },
          { dimension: 'sector', bucket: 'grain', minShareBps: 1_000, maxShareBps: 4_000 },
        ],
        by: 'root',
        at,
      },
    });
    expect(given([event]).state).toEqual({ targets: event.data.targets, changedBy: 'root', changedAt: at });
    given([event])
      .when(setTargets([]))
      .then([{ type: 'StructureTargetsSet', data: { targets: [], by: 'root', at } }]);
  });

  it('TARGET_MIN_ABOVE_MAX', () =>
    given([])
      .when(setTargets([{ dimension: 'term', bucket: 'long', minShareBps: 2_000, maxShareBps: 1_000 }]))
      .thenRefused('TARGET_MIN_ABOVE_MAX'));

  it('DUPLICATE_TARGET for one dimension and bucket twice', () =>
    given([])
      .when(
        setTargets([
          { dimension: 'size', bucket: 'over_1m', maxShareBps: 1_000 },
          { dimension: 'size', bucket: 'over_1m', maxShareBps: 2_000 },
        ]),
      )
      .thenRefused('DUPLICATE_TARGET'));

  it('UNKNOWN_BUCKET, TARGET_WITHOUT_BOUNDS, SHARE_OUT_OF_RANGE, MINIMUMS_ABOVE_WHOLE', () => {
    given([])
      .when(setTargets([{ dimension: 'purpose', bucket: 'fishing', minShareBps: 1 }]))
      .thenRefused('UNKNOWN_BUCKET');
    given([])
      .when(setTargets([{ dimension: 'sector', bucket: ' ', minShareBps: 1 }]))
      .thenRefused('UNKNOWN_BUCKET');
    given([])
      .when(setTargets([{ dimension: 'sector', bucket: 'grain' }]))
      .thenRefused('TARGET_WITHOUT_BOUNDS');
    given([])
      .when(setTargets([{ dimension: 'sector', bucket: 'grain', maxShareBps: 10_001 }]))
      .thenRefused('SHARE_OUT_OF_RANGE');
    given([])
      .when(
        setTargets([
          { dimension: 'term', bucket: 'short', minShareBps: 6_000 },
          { dimension: 'term', bucket: 'medium', minShareBps: 5_000 },
        ]),
      )
      .thenRefused('MINIMUMS_ABOVE_WHOLE');
  });
});

describe('policy settings', () => {
  const given = (events: PolicySettingsSet[]) => givenFor(policySettingsDecider, events);

  it('default to a 36-month rotation tenure and a 90-day inspection interval', () => {
    expect(DEFAULT_POLICY_SETTINGS).toEqual({
      rotationTenureMonths: 36,
      inspectionIntervalDays: 90,
      committeeSize: 3,
      committeeMajority: 2,
    });
    expect(given([]).state).toEqual({ ...DEFAULT_POLICY_SETTINGS, changedBy: null, changedAt: null });
  });

  it('are set by an administrator', () => {
    const [event] = policySettingsDecider.decide(setSettings(24, 60), policySettingsDecider.initialState);
    const committee = { committeeSize: 3, committeeMajority: 2 };
    expect(event).toEqual({
      type: 'PolicySettingsSet',
      data: { rotationTenureMonths: 24, inspectionIntervalDays: 60, ...committee, by: 'root', at },
    });
    expect(given([event]).state).toEqual({
      rotationTenureMonths: 24,
      inspectionIntervalDays: 60,
      ...committee,
      changedBy: 'root',
      changedAt: at,
    });
  });

  it('read settings recorded before the committee rule with the default committee', () => {
    const old = {
      type: 'PolicySettingsSet',
      data: { rotationTenureMonths: 24, inspectionIntervalDays: 60, by: 'root', at },
    } as PolicySettingsSet;
    expect(given([old]).state).toMatchObject({ committeeSize: 3, committeeMajority: 2 });
  });

  it('SETTING_OUT_OF_RANGE for a committee majority of half or less, or more than the committee', () => {
    const committee = (committeeSize: number, committeeMajority: number): SetPolicySettings => ({
      type: 'SetPolicySettings',
      data: { rotationTenureMonths: 36, inspectionIntervalDays: 90, committeeSize, committeeMajority, by: 'root', now: at },
    });
    given([]).when(committee(4, 2)).thenRefused('SETTING_OUT_OF_RANGE');
    given([]).when(committee(3, 4)).thenRefused('SETTING_OUT_OF_RANGE');
    expect(policySettingsDecider.decide(committee(5, 3), policySettingsDecider.initialState)[0].data).toMatchObject({
      committeeSize: 5,
      committeeMajority: 3,
    });
  });

  it('SETTING_OUT_OF_RANGE for zero or fractions', () => {
    given([]).when(setSettings(0, 90)).thenRefused('SETTING_OUT_OF_RANGE');
    given([]).when(setSettings(36, 1.5)).thenRefused('SETTING_OUT_OF_RANGE');
  });
});
