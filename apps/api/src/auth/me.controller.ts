import { Controller, Get, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProperty, ApiSchema, ApiTags } from '@nestjs/swagger';
import { businessDate, LoanflowConfig } from '@loanflow/config';
import { defineAbilityFor } from '@loanflow/policy';
import { Authorizer } from '../common/authorizer';
import { Ctx, RequestContext } from '../common/request-context';
import { BusinessDate } from '../common/responses';
import { Clock, CLOCK, CONFIG } from '../common/tokens';
import { HeldPost } from '../staff/responses';

export class Reads {
  @ApiProperty()
  loans!: boolean;

  @ApiProperty()
  reports!: boolean;

  @ApiProperty()
  compliance!: boolean;
}

@ApiSchema({ description: 'Who the token speaks for, what they may read, and the business date' })
export class Me {
  @ApiProperty({ description: 'the token’s subject' })
  staffId!: string;

  @ApiProperty()
  admin!: boolean;

  @ApiProperty()
  auditor!: boolean;

  @ApiProperty({ type: 'string', nullable: true, description: 'null without a staff record (an administrator, an auditor)' })
  name!: string | null;

  @ApiProperty({ type: 'string', nullable: true })
  branchId!: string | null;

  @ApiProperty({ type: [HeldPost], description: 'the posts held today' })
  posts!: HeldPost[];

  @ApiProperty({ type: Reads, description: 'what the policy lets them read' })
  reads!: Reads;

  @ApiProperty({ example: 'Asia/Shanghai' })
  businessTimeZone!: string;

  @BusinessDate()
  today!: string;
}

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
  @ApiOkResponse({ type: Me, description: 'posts, what may be read, the time zone and the business date' })
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
