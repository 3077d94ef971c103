import { Controller, Get, Header, Inject, Injectable, Optional, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { LoanflowConfig } from '@loanflow/config';
import { RelayService } from '@loanflow/messaging';
import { followerProgress, metricsRegistry, stoppedFollower } from '@loanflow/operations';
import { ProjectionService } from '@loanflow/projections';
import { Storage } from '@loanflow/storage';
import { Registry } from 'prom-client';
import { Public } from '../auth/auth.guard';
import { Authorizer } from '../common/authorizer';
import { ApiProblem } from '../common/problems';
import { Ctx, RequestContext } from '../common/request-context';
import { CONFIG, STORAGE } from '../common/tokens';

/** The service's Prometheus registry: on /metrics (with a token), and on METRICS_PORT when set. */
@Injectable()
export class Metrics {
  readonly registry: Registry;

  constructor(@Inject(STORAGE) storage: Storage, @Inject(CONFIG) config: LoanflowConfig) {
    this.registry = metricsRegistry(storage, config.kafka !== undefined);
  }
}

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
    const figures = await followerProgress(this.storage, this.config.kafka !== undefined);
    const { headPosition, projections, reactions, failures, relay } = figures;
    const followers = () => {
      const check = this.indicators.check('followers');
      return failures.length === 0 ? check.up({ stopped: [] }) : check.down({ stopped: failures.map(stoppedFollower) });
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
        failures.map(stoppedFollower).join('; '),
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
