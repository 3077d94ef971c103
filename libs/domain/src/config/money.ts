import { Command, Decider, Event } from '../decider';
import { RuleViolated } from '../errors';
import { CATEGORIES, Category } from '../rules/classification';
import { DAY_COUNTS, DayCount } from '../rules/interest';
import type { Changed } from './decider';

export const MONEY_RULES_STREAM = 'config-money-rules';

/** Provision rates in basis points of the balance: a general provision on every loan, and a specific one by category. */
export type ProvisionRates = { general: number } & Record<Category, number>;

export type MoneyRules = {
  /** The day count new loans accrue interest by. */
  dayCount: Exclude<DayCount, '30/360'>;
  /** The penalty rate's surcharge on the contract rate, 3000 to 5000 basis points (+30% to +50%) as regulation allows. */
  penaltySurchargeBps: number;
  provisionRates: ProvisionRates;
};

export const DEFAULT_MONEY_RULES: MoneyRules = {
  dayCount: 'ACT/360',
  penaltySurchargeBps: 5_000,
  provisionRates: { general: 100, normal: 0, special_mention: 200, substandard: 2_500, doubtful: 5_000, loss: 10_000 },
};

export const PENALTY_SURCHARGE_RANGE = { min: 3_000, max: 5_000 } as const;

export type MoneyRulesSet = Event<'MoneyRulesSet', MoneyRules & { by: string; at: string }>;
export type SetMoneyRules = Command<'SetMoneyRules', MoneyRules & { by: string; now: string }>;
export type MoneyRulesState = MoneyRules & Changed;

export const initialMoneyRules: MoneyRulesState = { ...DEFAULT_MONEY_RULES, changedBy: null, changedAt: null };

export function evolveMoneyRules(_: MoneyRulesState, event: MoneyRulesSet): MoneyRulesState {
  const { dayCount, penaltySurchargeBps, provisionRates, by, at } = event.data;
  return { dayCount, penaltySurchargeBps, provisionRates, changedBy: by, changedAt: at };
}

export function decideMoneyRules(command: SetMoneyRules, _: MoneyRulesState): [MoneyRulesSet] {
  const { dayCount, penaltySurchargeBps, provisionRates, by, now } = command.data;
  if (!DAY_COUNTS.includes(dayCount)) throw new RuleViolated('DAY_COUNT_UNKNOWN', `dayCount is one of ${DAY_COUNTS.join(', ')}`);
  const { min, max } = PENALTY_SURCHARGE_RANGE;
  if (!Number.isInteger(penaltySurchargeBps) || penaltySurchargeBps < min || penaltySurchargeBps > max)
    throw new RuleViolated(
      'PENALTY_SURCHARGE_OUT_OF_RANGE',
      `the penalty surcharge is ${min} to ${max} basis points of the contract rate (+30% to +50%); ${penaltySurchargeBps} is not`,
    );
  const rates = ['general', ...CATEGORIES] as const;
  for (const name of rates) {
    const rate = provisionRates[name];
    if (!Number.isInteger(rate) || rate < 0 || rate > 10_000)
      throw new RuleViolated('PROVISION_RATE_OUT_OF_RANGE', `the ${name} provision rate is whole basis points from 0 to 10000`);
  }
  for (let k = 1; k < CATEGORIES.length; k++)
    if (provisionRates[CATEGORIES[k]] < provisionRates[CATEGORIES[k - 1]])
      throw new RuleViolated(
        'PROVISION_RATES_NOT_RISING',
        `a worse category is provided for at least as much: ${CATEGORIES[k]} ${provisionRates[CATEGORIES[k]]} is below ${CATEGORIES[k - 1]} ${provisionRates[CATEGORIES[k - 1]]}`,
      );
  const recorded = Object.fromEntries(rates.map((name) => [name, provisionRates[name]])) as ProvisionRates;
  return [{ type: 'MoneyRulesSet', data: { dayCount, penaltySurchargeBps, provisionRates: recorded, by, at: now } }];
}

export const moneyRulesDecider: Decider<SetMoneyRules, MoneyRulesState, MoneyRulesSet> = {
  initialState: initialMoneyRules,
  evolve: evolveMoneyRules,
  decide: decideMoneyRules,
};
