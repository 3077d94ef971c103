import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { EventStore } from '@loanflow/event-store';
import { Public } from '../auth/auth.guard';
import { EVENT_STORE } from '../common/tokens';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  @Public()
  @Get()
  async health() {
    return { status: 'ok', eventStore: { headPosition: await this.store.headPosition() } };
  }
}
