import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { businessDate, LoanflowConfig } from '@loanflow/config';
import { defineAbilityFor } from '@loanflow/policy';
import { Authorizer } from '../common/authorizer';
import { Ctx, RequestContext } from '../common/request-context';
import { Clock, CLOCK, CONFIG } from '../common/tokens';

/**
 * Who the bearer token speaks for: the staff record's name, branch and the posts held today, what
 * the policy lets them read, and the cooperative's time zone and business date. The dashboard
 * shows it and hides what the reader may not open; the routes themselves still decide.
 */
@ApiTags('auth')
@ApiBearerAuth()
@Controller('me')
export class MeController {
  constructor(
    private readonly authorizer: Authorizer,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(CONFIG) private readonly config: LoanflowConfig,
  ) {}

  @Get()
  async me(@Ctx() { actor }: RequestContext) {
    const registry = await this.authorizer.registryFor(actor);
    const staff = registry.staff(actor.id);
    const ability = defineAbilityFor(actor, registry);
    return {
      staffId: actor.id,
      admin: actor.admin,
      auditor: actor.auditor === true,
      name: staff?.name ?? null,
      branchId: staff?.branchId ?? null,
      posts: staff?.posts ?? [],
      reads: {
        loans: ability.can('read', 'Loan'),
        reports: ability.can('read', 'Report'),
        compliance: ability.can('read', 'Compliance'),
      },
      businessTimeZone: this.config.businessTimeZone,
      today: businessDate(this.clock(), this.config.businessTimeZone),
    };
  }
}
