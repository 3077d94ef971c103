import { PassThrough } from 'node:stream';
import request from 'supertest';
import { JwtService } from '@nestjs/jwt';
import { INestApplication } from '@nestjs/common';
import { EventStore } from '@loanflow/event-store';
import { createApp } from '../apps/api/src/app';
import { EVENT_STORE } from '../apps/api/src/common/tokens';
import { SECRET, testConfig } from './support/app';

/**
 * The service's log is JSON lines: one per request once answered, with the correlation id its
 * events carry, and never a token.
 */
describe('structured logs', () => {
  let app: INestApplication;
  const lines: Record<string, any>[] = [];
  /** The lines as written: JSON.parse would hide a key written twice. */
  const raw: string[] = [];
  const admin = { Authorization: `Bearer ${new JwtService().sign({ sub: 'root', admin: true }, { secret: SECRET, expiresIn: 3600 })}` };

  beforeAll(async () => {
    const destination = new PassThrough();
    destination.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        raw.push(line);
        lines.push(JSON.parse(line));
      }
    });
    app = await createApp(testConfig(), { clock: () => new Date('2026-03-02T09:00:00.000Z'), log: { level: 'info', destination } });
    await app.init();
  });
  afterAll(() => app.close());

  it('logs each request with its correlation id, the one its events carry and the response sends back', async () => {
    const res = await request(app.getHttpServer())
      .post('/staff')
      .set(admin)
      .set('X-Correlation-Id', 'branch-01/intake-9')
      .send({ staffId: 'ana', name: 'Ana', branchId: 'BR-01' })
      .expect(201);
    expect(res.headers['x-correlation-id']).toBe('branch-01/intake-9');
    const [event] = await app.get<EventStore>(EVENT_STORE).readStream('staff-ana');
    expect(event.metadata.correlationId).toBe('branch-01/intake-9');
    const line = lines.find((l) => l.correlationId === 'branch-01/intake-9');
    expect(line).toMatchObject({
      level: 30,
      service: 'loanflow-api',
      msg: 'request completed',
      actorId: 'root',
      req: { method: 'POST', path: '/staff' },
      res: { statusCode: 201 },
    });
    expect(typeof line!.responseTime).toBe('number');
    const written = raw.filter((l) => l.includes('"branch-01/intake-9"'));
    expect(written.length).toBeGreaterThanOrEqual(1);
    for (const l of written) expect(l.match(/"correlationId"/g)).toHaveLength(1);
    expect(line!.time).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('gives a request without one a fresh id, logs refusals as warnings, and never logs a token', async () => {
    const res = await request(app.getHttpServer())
      .get('/loans/L-none')
      .set(admin)
      .set('X-Correlation-Id', 'bad id with spaces')
      .expect(404);
    const id = res.headers['x-correlation-id'];
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.find((l) => l.correlationId === id)).toMatchObject({ level: 40, res: { statusCode: 404 } });
    expect(JSON.stringify(lines)).not.toContain(admin.Authorization.slice(7));
  });
});
