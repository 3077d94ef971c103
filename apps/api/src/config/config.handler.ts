import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import {
  decidePolicySettings,
  decideStructureTargets,
  policySettingsDecider,
  PolicySettings,
  structureTargetsDecider,
  StructureTarget,
} from '@loanflow/domain';
import { Accepted, Aggregates } from '../common/aggregates';
import { Authorizer } from '../common/authorizer';
import { RequestContext } from '../common/request-context';

export type ConfigIntent =
  { type: 'SetStructureTargets'; data: { targets: StructureTarget[] } } | { type: 'SetPolicySettings'; data: PolicySettings };

/** The configuration streams are `config-<configId>`. */
export const CONFIG_IDS: Record<ConfigIntent['type'], string> = {
  SetStructureTargets: 'structure-targets',
  SetPolicySettings: 'policy-settings',
};

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
    private readonly aggregates: Aggregates,
    private readonly authorizer: Authorizer,
  ) {}

  async execute({ intent, ctx }: RunConfigCommand): Promise<Accepted> {
    const configId = CONFIG_IDS[intent.type];
    await this.authorizer.assert(ctx.actor, 'configure', { kind: 'Config', configId });
    const stream = { prefix: 'config', id: configId };
    const by = ctx.actor.id;
    if (intent.type === 'SetStructureTargets')
      return this.aggregates.handle(stream, structureTargetsDecider, ctx, (state, { now }) =>
        decideStructureTargets({ type: intent.type, data: { targets: intent.data.targets, by, now } }, state),
      );
    const { rotationTenureMonths, inspectionIntervalDays } = intent.data;
    return this.aggregates.handle(stream, policySettingsDecider, ctx, (state, { now }) =>
      decidePolicySettings({ type: intent.type, data: { rotationTenureMonths, inspectionIntervalDays, by, now } }, state),
    );
  }
}
