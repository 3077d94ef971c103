import { Body, Controller, Post } from '@nestjs/common';
import { CommandBus, CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { BORROWER_KINDS, BorrowerCommand, borrowerDecider, BorrowerKind, decideBorrower } from '@loanflow/domain';
import { IsIn } from 'class-validator';
import { Accepted, Aggregates } from '../common/aggregates';
import { Authorizer } from '../common/authorizer';
import { Intent } from '../common/intent';
import { Ctx, RequestContext } from '../common/request-context';
import { IdField, TextField } from '../common/validation';

export class RegisterBorrowerDto {
  @IdField('B-100')
  borrowerId!: string;

  @TextField(200, 'Wang Farm Household')
  name!: string;

  @ApiProperty({ enum: BORROWER_KINDS })
  @IsIn(BORROWER_KINDS)
  kind!: BorrowerKind;

  @TextField(200, 'Dongshan')
  village!: string;

  @TextField(100, 'grain')
  sector!: string;
}

export class RunBorrowerCommand {
  constructor(
    readonly borrowerId: string,
    readonly intent: Intent<BorrowerCommand, 'by' | 'now'>,
    readonly ctx: RequestContext,
  ) {}
}

@CommandHandler(RunBorrowerCommand)
export class BorrowersHandler implements ICommandHandler<RunBorrowerCommand, Accepted> {
  constructor(
    private readonly aggregates: Aggregates,
    private readonly authorizer: Authorizer,
  ) {}

  async execute({ borrowerId, intent, ctx }: RunBorrowerCommand): Promise<Accepted> {
    await this.authorizer.assert(ctx.actor, 'register', { kind: 'Borrower', borrowerId });
    return this.aggregates.handle({ prefix: 'borrower', id: borrowerId }, borrowerDecider, ctx, (state, { now }) =>
      decideBorrower({ type: intent.type, data: { ...intent.data, by: ctx.actor.id, now } }, state),
    );
  }
}

@ApiTags('borrowers')
@ApiBearerAuth()
@Controller('borrowers')
export class BorrowersController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  register(@Body() body: RegisterBorrowerDto, @Ctx() ctx: RequestContext): Promise<Accepted> {
    return this.commands.execute(new RunBorrowerCommand(body.borrowerId, { type: 'RegisterBorrower', data: { ...body } }, ctx));
  }
}
