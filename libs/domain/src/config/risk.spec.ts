import { DEFAULT_WARNING_RULES } from '../rules/risk';
import { givenFor } from '../testing/given';
import { requireCatalogued, riskPointsDecider, scorecardDecider, warningRulesDecider } from './risk';

const at = '2026-03-01T08:00:00.000Z';
const factors = (['financial_situation', 'repayment_ability', 'repayment_willingness', 'credit_history', 'past_performance'] as const).map(
  (dimension, i) => ({
    code: `f${i}`,
    dimension,
    description: 'd',
    weight: 20,
    bands: [{ from: 0, points: 100 }],
  }),
);
const grades = [{ grade: 'A', minScore: 0, maxAmount: 100, maxTermMonths: 12, minRateBps: 100, maxRateBps: 200 }];

describe('risk configuration', () => {
  it('numbers each scorecard set 1, 2, ...: the version ratings record', () => {
    const set = (events: Parameters<typeof givenFor>[1]) =>
      scorecardDecider.decide(
        { type: 'SetScorecard', data: { factors, grades, by: 'root', now: at } },
        givenFor(scorecardDecider, events as never).state,
      );
    const [first] = set([]);
    expect(first.data).toMatchObject({ version: 1, by: 'root' });
    const [second] = set([first]);
    expect(second.data.version).toBe(2);
    expect(givenFor(scorecardDecider, [first, second]).state).toMatchObject({
      scorecardVersion: 2,
      scorecard: { factors, grades },
      changedBy: 'root',
    });
    givenFor(scorecardDecider, [])
      .when({ type: 'SetScorecard', data: { factors: factors.slice(1), grades, by: 'root', now: at } })
      .thenRefused('WEIGHTS_NOT_100');
  });

  it('a risk-point catalogue with unique codes; once set, acts tag only its points', () => {
    const points = [{ code: 'p1', stage: 'investigation' as const, description: 'd' }];
    givenFor(riskPointsDecider, [])
      .when({ type: 'SetRiskPoints', data: { points: [...points, ...points], by: 'root', now: at } })
      .thenRefused('DUPLICATE_RISK_POINT');
    expect(() => requireCatalogued(['p1'], points)).not.toThrow();
    expect(() => requireCatalogued(['anything'], [])).not.toThrow();
    expect(() => requireCatalogued(['p1', 'p2'], points)).toThrow('p2 is not in the risk-point catalogue');
  });

  it('warning rules default until set, and refuse thresholds out of order or an unknown action', () => {
    expect(givenFor(warningRulesDecider, []).state.rules).toEqual(DEFAULT_WARNING_RULES);
    const bad = {
      ...DEFAULT_WARNING_RULES,
      latePayment: {
        ...DEFAULT_WARNING_RULES.latePayment,
        thresholds: [
          { days: 30, severity: 'low' as const },
          { days: 10, severity: 'high' as const },
        ],
      },
    };
    givenFor(warningRulesDecider, [])
      .when({ type: 'SetWarningRules', data: { rules: bad, by: 'root', now: at } })
      .thenRefused('WARNING_RULE_INVALID');
    const action = { ...DEFAULT_WARNING_RULES, inspectionOverdue: { severity: 'low' as const, action: 'pray' as never } };
    givenFor(warningRulesDecider, [])
      .when({ type: 'SetWarningRules', data: { rules: action, by: 'root', now: at } })
      .thenRefused('WARNING_RULE_INVALID');
  });
});
