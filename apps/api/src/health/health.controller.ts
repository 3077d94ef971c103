import { Controller, Get, Header, Inject, Optional } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { LoanflowConfig } from '@loanflow/config';
import { RELAY_CHECKPOINT, RelayService } from '@loanflow/messaging';
import { checkpointName, PROJECTIONS, ProjectionService, REACTIONS_CHECKPOINT } from '@loanflow/projections';
import { Storage } from '@loanflow/storage';
import { Gauge, Registry } from 'prom-client';
import { Public } from '../auth/auth.guard';
import { CONFIG, STORAGE } from '../common/tokens';

/** Where the log and its followers are: the figures /health shows and Prometheus scrapes. */
async function progress(storage: Storage, config: LoanflowConfig) {
  const headPosition = await storage.eventStore.headPosition();
  const projections: Record<string, { checkpoint: number; lag: number }> = {};
  for (const p of PROJECTIONS) {
    const checkpoint = await storage.checkpoints.get(checkpointName(p));
    projections[p.name] = { checkpoint, lag: headPosition - checkpoint };
  }
  // The system's reactions to events (a rating put on the borrower's file) follow the log with the projections.
  const reacted = await storage.checkpoints.get(REACTIONS_CHECKPOINT);
  const reactions = { checkpoint: reacted, lag: headPosition - reacted };
  if (!config.kafka) return { headPosition, projections, reactions };
  const checkpoint = await storage.checkpoints.get(RELAY_CHECKPOINT);
  return { headPosition, projections, reactions, relay: { checkpoint, lag: headPosition - checkpoint } };
}

@ApiTags('operations')
@Controller()
export class HealthController {
  private readonly registry = new Registry();

  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    @Inject(CONFIG) private readonly config: LoanflowConfig,
    /** Present when this process hosts the relay (the embedded api); the worker's is seen through its checkpoint. */
    @Optional() private readonly relayHere?: RelayService,
    @Optional() private readonly projectionsHere?: ProjectionService,
  ) {
    const figures = () => progress(this.storage, this.config);
    new Gauge({
      name: 'loanflow_event_log_head_position',
      help: 'Global position of the last event in the log (-1 when empty)',
      registers: [this.registry],
      async collect() {
        this.set((await figures()).headPosition);
      },
    });
    new Gauge({
      name: 'loanflow_projection_lag_events',
      help: 'Events in the log not yet in a read model (log head - projection checkpoint)',
      labelNames: ['projection'],
      registers: [this.registry],
      async collect() {
        for (const [projection, { lag }] of Object.entries((await figures()).projections)) this.set({ projection }, lag);
      },
    });
    new Gauge({
      name: 'loanflow_reactions_lag_events',
      help: "Events in the log the system has not yet reacted to (log head - reactions' checkpoint)",
      registers: [this.registry],
      async collect() {
        this.set((await figures()).reactions.lag);
      },
    });
    if (config.kafka) {
      new Gauge({
        name: 'loanflow_relay_lag_events',
        help: 'Events in the log not yet acknowledged by Kafka (log head - relay checkpoint)',
        registers: [this.registry],
        async collect() {
          this.set((await figures()).relay!.lag);
        },
      });
    }
  }

  @Public()
  @Get('health')
  @ApiOkResponse({ description: 'The log is readable; how far the read models and, with Kafka on, the relay lag behind it' })
  async health() {
    const { headPosition, projections, reactions, relay } = await progress(this.storage, this.config);
    const here = this.relayHere?.relay.status;
    const relayed = relay && (here ? { ...relay, failures: here.failures, lastError: here.lastError } : relay);
    return {
      status: 'ok',
      eventStore: { kind: this.config.eventStore, headPosition },
      projections: {
        // Whether this process is the one projecting (it holds the lease), and its last failure if any.
        ...(this.projectionsHere ? { active: this.projectionsHere.active, lastError: this.projectionsHere.runner.lastError } : {}),
        checkpoints: projections,
        reactions,
      },
      ...(relayed ? { relay: relayed } : {}),
    };
  }

  @Public()
  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOkResponse({ description: 'Prometheus text format' })
  metrics(): Promise<string> {
    return this.registry.metrics();
  }
}
