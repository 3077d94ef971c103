import { Body, Controller, Get, HttpCode, Inject, Put } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CONFIG_STREAMS } from '@loanflow/domain';
import { DEFAULT_POLICY_SETTINGS } from '@loanflow/domain';
import { EventStore } from '@loanflow/event-store';
import { Accepted } from '../common/aggregates';
import { Authorizer } from '../common/authorizer';
import { Ctx, RequestContext } from '../common/request-context';
import { EVENT_STORE } from '../common/tokens';
import { CONFIG_IDS, RunConfigCommand } from './config.handler';
import {
  Current,
  loadMoneyRules,
  loadPolicySettings,
  loadRiskPoints,
  loadScorecard,
  loadStructureTargets,
  loadWarningRules,
} from '@loanflow/projections';
import { MoneyRulesDto, PolicySettingsDto, RiskPointsDto, ScorecardDto, StructureTargetsDto, WarningRulesDto } from './dto';
import { ConfigHistory, MoneyRules, PolicySettings, RiskPoints, Scorecard, StructureTargets, WarningRules } from './responses';

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
    @Body() { rotationTenureMonths, inspectionIntervalDays, committeeSize, committeeMajority }: PolicySettingsDto,
    @Ctx() ctx: RequestContext,
  ): Promise<Accepted> {
    // The whole settings are replaced: an absent committee rule is the default one.
    const committee = {
      committeeSize: committeeSize ?? DEFAULT_POLICY_SETTINGS.committeeSize,
      committeeMajority: committeeMajority ?? DEFAULT_POLICY_SETTINGS.committeeMajority,
    };
    return this.commands.execute(
      new RunConfigCommand({ type: 'SetPolicySettings', data: { rotationTenureMonths, inspectionIntervalDays, ...committee } }, ctx),
    );
  }

  @Get('structure-targets')
  @ApiOkResponse({ type: StructureTargets, description: 'the targets in force' })
  async structureTargets(@Ctx() ctx: RequestContext) {
    await this.authorizer.assert(ctx.actor, 'read', { kind: 'Config', configId: CONFIG_IDS.SetStructureTargets });
    return answer(await loadStructureTargets(this.store));
  }

  @Get('policy-settings')
  @ApiOkResponse({ type: PolicySettings, description: 'the settings in force' })
  async policySettings(@Ctx() ctx: RequestContext) {
    await this.authorizer.assert(ctx.actor, 'read', { kind: 'Config', configId: CONFIG_IDS.SetPolicySettings });
    return answer(await loadPolicySettings(this.store));
  }

  /** Sets the rating scorecard: a new version; ratings and decisions record the version they used. */
  @Put('scorecard')
  @HttpCode(200)
  setScorecard(@Body() { factors, grades }: ScorecardDto, @Ctx() ctx: RequestContext): Promise<Accepted> {
    return this.commands.execute(new RunConfigCommand({ type: 'SetScorecard', data: { factors, grades } }, ctx));
  }

  /** Replaces the risk-point catalogue; once set, acts tag only its points. */
  @Put('risk-points')
  @HttpCode(200)
  setRiskPoints(@Body() { points }: RiskPointsDto, @Ctx() ctx: RequestContext): Promise<Accepted> {
    return this.commands.execute(new RunConfigCommand({ type: 'SetRiskPoints', data: { points } }, ctx));
  }

  /** Replaces the early-warning rules and the inspection intervals by risk level. */
  @Put('warning-rules')
  @HttpCode(200)
  setWarningRules(@Body() rules: WarningRulesDto, @Ctx() ctx: RequestContext): Promise<Accepted> {
    return this.commands.execute(new RunConfigCommand({ type: 'SetWarningRules', data: { rules: { ...rules } } }, ctx));
  }

  @Get('scorecard')
  @ApiOkResponse({ type: Scorecard, description: 'the scorecard in force, if any' })
  async scorecard(@Ctx() ctx: RequestContext) {
    await this.authorizer.assert(ctx.actor, 'read', { kind: 'Config', configId: CONFIG_IDS.SetScorecard });
    return answer(await loadScorecard(this.store));
  }

  @Get('risk-points')
  @ApiOkResponse({ type: RiskPoints, description: 'the catalogue in force' })
  async riskPoints(@Ctx() ctx: RequestContext) {
    await this.authorizer.assert(ctx.actor, 'read', { kind: 'Config', configId: CONFIG_IDS.SetRiskPoints });
    return answer(await loadRiskPoints(this.store));
  }

  @Get('warning-rules')
  @ApiOkResponse({ type: WarningRules, description: 'the rules in force' })
  async warningRules(@Ctx() ctx: RequestContext) {
    await this.authorizer.assert(ctx.actor, 'read', { kind: 'Config', configId: CONFIG_IDS.SetWarningRules });
    return answer(await loadWarningRules(this.store));
  }

  /** Sets the day count of new loans, the penalty surcharge and the provision rates; loans paid out later record the version. */
  @Put('money-rules')
  @HttpCode(200)
  setMoneyRules(@Body() { dayCount, penaltySurchargeBps, provisionRates }: MoneyRulesDto, @Ctx() ctx: RequestContext): Promise<Accepted> {
    return this.commands.execute(
      new RunConfigCommand({ type: 'SetMoneyRules', data: { dayCount, penaltySurchargeBps, provisionRates: { ...provisionRates } } }, ctx),
    );
  }

  @Get('money-rules')
  @ApiOkResponse({ type: MoneyRules, description: 'the rules in force' })
  async moneyRules(@Ctx() ctx: RequestContext) {
    await this.authorizer.assert(ctx.actor, 'read', { kind: 'Config', configId: CONFIG_IDS.SetMoneyRules });
    return answer(await loadMoneyRules(this.store));
  }

  /** Every change to every configuration, oldest first: what was set, by whom and when. */
  @Get('history')
  @ApiOkResponse({ type: ConfigHistory, description: 'what was set, by whom and when, oldest first' })
  async history(@Ctx() ctx: RequestContext) {
    await this.authorizer.assert(ctx.actor, 'read', { kind: 'Config', configId: 'history' });
    const streams = await Promise.all(CONFIG_STREAMS.map((stream) => this.store.readStream(stream)));
    return {
      events: streams
        .flat()
        .sort((a, b) => a.globalPosition - b.globalPosition)
        .map((e) => ({
          stream: e.streamId,
          version: e.streamVersion,
          type: e.type,
          changedBy: e.metadata.actorId,
          at: e.metadata.recordedAt,
          data: e.data,
        })),
    };
  }
}
