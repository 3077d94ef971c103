import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { serveOperations } from '@loanflow/operations';
import { Storage } from '@loanflow/storage';
import { AddressInfo } from 'node:net';
import { Server } from 'node:http';
import { STORAGE, WorkerModule } from '../apps/worker/src/worker.module';
import { testConfig } from './support/app';

/**
 * The worker's operations port: what an orchestrator probes and Prometheus scrapes in a process
 * with no HTTP api of its own. On the test's own SQLite log, with the worker's real module.
 */
describe('the worker serves /health and /metrics on a port of its own', () => {
  let worker: INestApplicationContext;
  let server: Server;
  let base: string;
  let storage: Storage;

  beforeAll(async () => {
    const config = testConfig();
    worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, null), { logger: false, abortOnError: false });
    await worker.init();
    storage = worker.get<Storage>(STORAGE);
    server = await serveOperations(storage, { port: 0, host: '127.0.0.1', relayed: false, eventStore: 'sqlite' });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((done) => server.close(done));
    await worker.close();
  });

  it('answers live, ready with where every follower is, and Prometheus', async () => {
    expect((await fetch(`${base}/health/live`)).status).toBe(200);
    const ready = await fetch(`${base}/health`);
    expect(ready.status).toBe(200);
    const body = await ready.json();
    expect(body).toMatchObject({ status: 'ok', eventStore: { kind: 'sqlite', headPosition: -1 }, failures: [] });
    expect(Object.keys(body.projections)).toEqual(expect.arrayContaining(['loans', 'risk', 'compliance']));
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^loanflow_event_log_head_position -1$/m);
    expect(metrics).toMatch(/^loanflow_projection_lag_events\{projection="loans"\} 0$/m);
    expect((await fetch(`${base}/nothing`)).status).toBe(404);
    expect((await fetch(`${base}/health`, { method: 'POST' })).status).toBe(405);
  });

  it('is not ready while a follower is stopped on an event, and says which', async () => {
    await storage.failures.record({
      name: 'loans',
      position: 7,
      eventType: 'LoanApplied',
      error: 'boom',
      failedAt: '2026-03-02T09:00:00.000Z',
    });
    try {
      const ready = await fetch(`${base}/health/ready`);
      expect(ready.status).toBe(503);
      expect(ready.headers.get('content-type')).toBe('application/problem+json');
      expect(await ready.json()).toMatchObject({
        code: 'NOT_READY',
        detail: expect.stringContaining('loans stopped at position 7 (LoanApplied)'),
      });
      expect(await (await fetch(`${base}/metrics`)).text()).toMatch(/^loanflow_follower_stopped\{follower="loans",position="7"\} 1$/m);
    } finally {
      await storage.failures.clear('loans');
    }
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);
  });
});
