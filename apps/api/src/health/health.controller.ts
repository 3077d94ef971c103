import { Controller, Get, Header, Inject, Injectable, Optional, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { LoanflowConfig } from '@loanflow/config';
import { RELAY_CHECKPOINT, RelayService } from '@loanflow/messaging';
import { checkpointName, PROJECTIONS, ProjectionService, REACTIONS_CHECKPOINT } from '@loanflow/projections';
import { FollowerFailure, Storage } from '@loanflow/storage';
import { Gauge, Registry } from 'prom-client';
import { Public } from '../auth/auth.guard';
import { Authorizer } from '../common/authorizer';
import { ApiProblem } from '../common/problems';
import { Ctx, RequestContext } from '../common/request-context';
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
  const failures = await storage.failures.list();
  if (!config.kafka) return { headPosition, projections, reactions, failures };
  const checkpoint = await storage.checkpoints.get(RELAY_CHECKPOINT);
  return { headPosition, projections, reactions, failures, relay: { checkpoint, lag: headPosition - checkpoint } };
}

/** The service's Prometheus registry: on /metrics (with a token), and on METRICS_PORT when set. */
@Injectable()
export class Metrics {
  readonly registry = new Registry();

  constructor(@Inject(STORAGE) storage: Storage, @Inject(CONFIG) config: LoanflowConfig) {
    // A scrape collects every gauge at once: they share one reading of the figures.
    let reading: ReturnType<typeof progress> | null = null;
    const figures = () => (reading ??= progress(storage, config).finally(() => (reading = null)));
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
    new Gauge({
      name: 'loanflow_follower_stopped',
      help: 'A projection or the reactions stopped on an event it could not handle (1), or following the log (0); the service is not ready while any is 1',
      labelNames: ['follower', 'position'],
      registers: [this.registry],
      async collect() {
        this.reset();
        const { failures } = await figures();
        for (const name of [...PROJECTIONS.map((p) => p.name), REACTIONS_CHECKPOINT]) {
          const failed = failures.find((f) => f.name === name);
          this.set({ follower: name, position: failed ? String(failed.position) : '' }, failed ? 1 : 0);
        }
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
}

const stopped = (f: FollowerFailure) => `${f.name} stopped at position ${f.position} (${f.eventType}) since ${f.failedAt}: ${f.error}`;

/**
 * Liveness (`/health/live`: the process answers) and readiness (`/health`, `/health/ready`: the log
 * is readable and no projection or reaction is stopped on an event), through @nestjs/terminus.
 * Not ready answers 503 problem+json naming the follower, the position and the error.
 */
@ApiTags('operations')
@Controller()
export class HealthController {
  constructor(
    @Inject(STORAGE) private readonly storage: Storage,
    @Inject(CONFIG) private readonly config: LoanflowConfig,
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly metricsRegistry: Metrics,
    private readonly authorizer: Authorizer,
    /** Present when this process hosts the relay (the embedded api); the worker's is seen through its checkpoint. */
    @Optional() private readonly relayHere?: RelayService,
    @Optional() private readonly projectionsHere?: ProjectionService,
  ) {}

  @Public()
  @Get('health/live')
  @ApiOkResponse({ description: 'The process answers requests' })
  live() {
    return this.health.check([() => this.indicators.check('process').up({ uptimeSeconds: Math.round(process.uptime()) })]);
  }

  @Public()
  @Get(['health', 'health/ready'])
  @ApiOkResponse({ description: 'Ready: the log is readable and every projection and reaction follows it; how far each lags' })
  @ApiServiceUnavailableResponse({ description: 'Not ready: problem+json NOT_READY naming what is stopped, where and why' })
  async ready() {
    const figures = await progress(this.storage, this.config);
    const { headPosition, projections, reactions, failures, relay } = figures;
    const followers = () => {
      const check = this.indicators.check('followers');
      return failures.length === 0 ? check.up({ stopped: [] }) : check.down({ stopped: failures.map(stopped) });
    };
    const log = () => this.indicators.check('eventStore').up({ kind: this.config.eventStore, headPosition });
    try {
      await this.health.check([log, followers]);
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      throw new ApiProblem(
        503,
        'NOT_READY',
        'Service not ready',
        failures.map(stopped).join('; '),
        { failures, projections, reactions },
        {
          'Retry-After': '30',
        },
      );
    }
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

  /** Prometheus text format, for an administrator's or an auditor's token (METRICS_PORT serves it without one). */
  @Get('metrics')
  @Header('Content-Type', 'text/plain; version=0.0.4; charset=utf-8')
  @ApiOkResponse({ description: 'Prometheus text format; administrators and auditors (a scraper uses METRICS_PORT instead)' })
  async metrics(@Ctx() ctx: RequestContext): Promise<string> {
    await this.authorizer.assert(ctx.actor, 'read', { kind: 'Compliance', name: 'metrics' });
    return this.metricsRegistry.registry.metrics();
  }
}
