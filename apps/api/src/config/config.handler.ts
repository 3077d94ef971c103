import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  Decider,
  Event,
  moneyRulesDecider,
  policySettingsDecider,
  riskPointsDecider,
  scorecardDecider,
  SetMoneyRules,
  SetPolicySettings,
  SetRiskPoints,
  SetScorecard,
  SetStructureTargets,
  SetWarningRules,
  structureTargetsDecider,
  warningRulesDecider,
} from '@loanflow/domain';
import { CommandLoop } from '@loanflow/commands';
import { Accepted, accepted } from '../common/aggregates';
import { Authorizer } from '../common/authorizer';
import { Intent } from '../common/intent';
import { envelopeOf, RequestContext } from '../common/request-context';

export type ConfigCommand = SetStructureTargets | SetPolicySettings | SetScorecard | SetRiskPoints | SetWarningRules | SetMoneyRules;
export type ConfigIntent = Intent<ConfigCommand, 'by' | 'now'>;

/** Each configuration is the stream `config-<configId>`, decided by its own decider. */
const CONFIGS: { [T in ConfigCommand['type']]: { configId: string; decider: Decider<any, any, Event> } } = {
  SetStructureTargets: { configId: 'structure-targets', decider: structureTargetsDecider },
  SetPolicySettings: { configId: 'policy-settings', decider: policySettingsDecider },
  SetScorecard: { configId: 'scorecard', decider: scorecardDecider },
  SetRiskPoints: { configId: 'risk-points', decider: riskPointsDecider },
  SetWarningRules: { configId: 'warning-rules', decider: warningRulesDecider },
  SetMoneyRules: { configId: 'money-rules', decider: moneyRulesDecider },
};

export const CONFIG_IDS = Object.fromEntries(Object.entries(CONFIGS).map(([type, c]) => [type, c.configId])) as Record<
  ConfigCommand['type'],
  string
>;

export class RunConfigCommand {
  constructor(
    readonly intent: ConfigIntent,
    readonly ctx: RequestContext,
  ) {}
}

/** Configuration changes are events like any other: audited, versioned, published. Administrators only. */
@CommandHandler(RunConfigCommand)
export class ConfigHandler implements ICommandHandler<RunConfigCommand, Accepted> {
  constructor(
    private readonly loop: CommandLoop,
    private readonly authorizer: Authorizer,
  ) {}

  async execute({ intent, ctx }: RunConfigCommand): Promise<Accepted> {
    const { configId, decider } = CONFIGS[intent.type];
    const recorded = await this.loop.run(`config-${configId}`, decider, envelopeOf(ctx), async (state, decision) => {
      await this.authorizer.assert(ctx.actor, 'configure', { kind: 'Config', configId }, decision);
      return decider.decide({ type: intent.type, data: { ...intent.data, by: ctx.actor.id, now: decision.now } }, state);
    });
    return accepted(recorded, 'config');
  }
}
