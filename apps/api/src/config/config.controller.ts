import { Body, Controller, Get, HttpCode, Inject, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { EventStore } from '@loanflow/event-store';
import { Accepted } from '../common/aggregates';
import { Authorizer } from '../common/authorizer';
import { Ctx, RequestContext } from '../common/request-context';
import { EVENT_STORE } from '../common/tokens';
import { CONFIG_IDS, RunConfigCommand } from './config.handler';
import { Current, loadPolicySettings, loadStructureTargets } from './config-reader';
import { PolicySettingsDto, StructureTargetsDto } from './dto';

/** Who changed it last and when, only once someone has: until then the defaults apply. */
function answer<S extends { changedBy: string | null; changedAt: string | null }>({ changedBy, changedAt, ...rest }: Current<S>) {
  return { ...rest, ...(changedBy !== null ? { changedBy, changedAt } : {}) };
}

@ApiTags('config')
@ApiBearerAuth()
@Controller('config')
export class ConfigController {
  constructor(
    private readonly commands: CommandBus,
    private readonly authorizer: Authorizer,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /** Replaces the credit-structure targets; administrators only. */
  @Put('structure-targets')
  @HttpCode(200)
  setStructureTargets(@Body() { targets }: StructureTargetsDto, @Ctx() ctx: RequestContext): Promise<Accepted> {
    return this.commands.execute(new RunConfigCommand({ type: 'SetStructureTargets', data: { targets } }, ctx));
  }

  /** Sets the rotation tenure and the inspection interval; administrators only. */
  @Put('policy-settings')
  @HttpCode(200)
  setPolicySettings(
    @Body() { rotationTenureMonths, inspectionIntervalDays }: PolicySettingsDto,
    @Ctx() ctx: RequestContext,
  ): Promise<Accepted> {
    return this.commands.execute(
      new RunConfigCommand({ type: 'SetPolicySettings', data: { rotationTenureMonths, inspectionIntervalDays } }, ctx),
    );
  }

  @Get('structure-targets')
  async structureTargets(@Ctx() ctx: RequestContext) {
    await this.authorizer.assert(ctx.actor, 'read', { kind: 'Config', configId: CONFIG_IDS.SetStructureTargets });
    return answer(await loadStructureTargets(this.store));
  }

  @Get('policy-settings')
  async policySettings(@Ctx() ctx: RequestContext) {
    await this.authorizer.assert(ctx.actor, 'read', { kind: 'Config', configId: CONFIG_IDS.SetPolicySettings });
    return answer(await loadPolicySettings(this.store));
  }
}
