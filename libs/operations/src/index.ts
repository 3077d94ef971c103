import { createServer, Server, ServerResponse } from 'node:http';
import { RELAY_CHECKPOINT } from '@loanflow/messaging';
import { checkpointName, PROJECTIONS, REACTIONS_CHECKPOINT } from '@loanflow/projections';
import { FollowerFailure, Storage } from '@loanflow/storage';
import { Gauge, Registry } from 'prom-client';

/** Where the log and its followers are: what /health shows and Prometheus scrapes, in the api and the worker alike. */
export interface FollowerProgress {
  headPosition: number;
  projections: Record<string, { checkpoint: number; lag: number }>;
  reactions: { checkpoint: number; lag: number };
  failures: FollowerFailure[];
  /** When the log is relayed to Kafka: how far the relay's checkpoint is behind. */
  relay?: { checkpoint: number; lag: number };
}

export async function followerProgress(storage: Storage, relayed: boolean): Promise<FollowerProgress> {
  const headPosition = await storage.eventStore.headPosition();
  const projections: FollowerProgress['projections'] = {};
  for (const p of PROJECTIONS) {
    const checkpoint = await storage.checkpoints.get(checkpointName(p));
    projections[p.name] = { checkpoint, lag: headPosition - checkpoint };
  }
  // The system's reactions to events (a rating put on the borrower's file) follow the log with the projections.
  const reacted = await storage.checkpoints.get(REACTIONS_CHECKPOINT);
  const reactions = { checkpoint: reacted, lag: headPosition - reacted };
  const failures = await storage.failures.list();
  if (!relayed) return { headPosition, projections, reactions, failures };
  const checkpoint = await storage.checkpoints.get(RELAY_CHECKPOINT);
  return { headPosition, projections, reactions, failures, relay: { checkpoint, lag: headPosition - checkpoint } };
}

/** A stopped follower in one line: which, where, since when and why. */
export const stoppedFollower = (f: FollowerFailure) =>
  `${f.name} stopped at position ${f.position} (${f.eventType}) since ${f.failedAt}: ${f.error}`;

/** The Prometheus registry of a process that follows the log; a scrape reads the figures once for all its gauges. */
export function metricsRegistry(storage: Storage, relayed: boolean): Registry {
  const registry = new Registry();
  let reading: Promise<FollowerProgress> | null = null;
  const figures = () => (reading ??= followerProgress(storage, relayed).finally(() => (reading = null)));
  new Gauge({
    name: 'loanflow_event_log_head_position',
    help: 'Global position of the last event in the log (-1 when empty)',
    registers: [registry],
    async collect() {
      this.set((await figures()).headPosition);
    },
  });
  new Gauge({
    name: 'loanflow_projection_lag_events',
    help: 'Events in the log not yet in a read model (log head - projection checkpoint)',
    labelNames: ['projection'],
    registers: [registry],
    async collect() {
      for (const [projection, { lag }] of Object.entries((await figures()).projections)) this.set({ projection }, lag);
    },
  });
  new Gauge({
    name: 'loanflow_reactions_lag_events',
    help: "Events in the log the system has not yet reacted to (log head - reactions' checkpoint)",
    registers: [registry],
    async collect() {
      this.set((await figures()).reactions.lag);
    },
  });
  new Gauge({
    name: 'loanflow_follower_stopped',
    help: 'A projection or the reactions stopped on an event it could not handle (1), or following the log (0); the service is not ready while any is 1',
    labelNames: ['follower', 'position'],
    registers: [registry],
    async collect() {
      this.reset();
      const { failures } = await figures();
      for (const name of [...PROJECTIONS.map((p) => p.name), REACTIONS_CHECKPOINT]) {
        const failed = failures.find((f) => f.name === name);
        this.set({ follower: name, position: failed ? String(failed.position) : '' }, failed ? 1 : 0);
      }
    },
  });
  if (relayed)
    new Gauge({
      name: 'loanflow_relay_lag_events',
      help: 'Events in the log not yet acknowledged by Kafka (log head - relay checkpoint)',
      registers: [registry],
      async collect() {
        this.set((await figures()).relay!.lag);
      },
    });
  return registry;
}

/** Answers a scrape: the registry's text, or 500 when a figure cannot be read. */
export function answerScrape(registry: Registry, res: ServerResponse): void {
  registry.metrics().then(
    (text) => res.writeHead(200, { 'Content-Type': registry.contentType }).end(text),
    () => res.writeHead(500).end(),
  );
}

/**
 * The operations port of a process with no HTTP api of its own (the worker): `/health/live` (the
 * process answers), `/health` and `/health/ready` (200 with where each follower is, 503 naming any
 * stopped one) and `/metrics` (Prometheus). No token: it listens on a private address.
 */
export async function serveOperations(
  storage: Storage,
  at: { port: number; host: string; relayed: boolean; eventStore: string },
): Promise<Server> {
  const registry = metricsRegistry(storage, at.relayed);
  const json = (res: ServerResponse, status: number, body: unknown, type = 'application/json') =>
    res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' }).end(JSON.stringify(body));
  const server = createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method !== 'GET') return void res.writeHead(405, { Allow: 'GET' }).end();
    if (path === '/health/live') return void json(res, 200, { status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
    if (path === '/metrics') return answerScrape(registry, res);
    if (path === '/health' || path === '/health/ready')
      return void followerProgress(storage, at.relayed).then(
        (figures) =>
          figures.failures.length === 0
            ? json(res, 200, { status: 'ok', eventStore: { kind: at.eventStore, headPosition: figures.headPosition }, ...figures })
            : json(
                res,
                503,
                {
                  type: 'about:blank',
                  title: 'Service not ready',
                  status: 503,
                  code: 'NOT_READY',
                  detail: figures.failures.map(stoppedFollower).join('; '),
                  ...figures,
                },
                'application/problem+json',
              ),
        (error: Error) =>
          json(
            res,
            503,
            { title: 'Service not ready', status: 503, code: 'NOT_READY', detail: `the log cannot be read: ${error.message}` },
            'application/problem+json',
          ),
      );
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(at.port, at.host, resolve));
  return server;
}
