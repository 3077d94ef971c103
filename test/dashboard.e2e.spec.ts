import { JwtService } from '@nestjs/jwt';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SECRET, startApp, staffBranch, TestApp, testConfig } from './support/app';

/** The routes the dashboard stands on: who is signed in (`/me`), and its files at `/`. The browser suite drives the pages. */
describe('dashboard routes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp('2026-03-02T17:30:00.000Z');
    await staffBranch(t);
  });
  afterAll(() => t.close());

  it('tells a staff member their name, branch and posts, what they may read, the time zone and the business date', async () => {
    await t.http.post('/staff/ana/posts').set(t.as('root', true)).send({ post: 'inspection', branchId: 'BR-02' }).expect(201);
    const { body } = await t.http.get('/me').set(t.as('ana')).expect(200);
    expect(body).toEqual({
      staffId: 'ana',
      admin: false,
      auditor: false,
      name: 'Ana Li',
      branchId: 'BR-01',
      posts: [
        { post: 'investigation', branchId: 'BR-01', since: '2026-03-02T17:30:00.000Z' },
        { post: 'inspection', branchId: 'BR-02', since: '2026-03-02T17:30:00.000Z' },
      ],
      reads: { loans: true, reports: true, compliance: false },
      businessTimeZone: 'Asia/Shanghai',
      // 17:30 UTC is already the next day in Shanghai.
      today: '2026-03-03',
    });
  });

  it('shows an approver their limit, and an auditor and an administrator what their tokens open', async () => {
    expect((await t.http.get('/me').set(t.as('cy')).expect(200)).body.posts).toEqual([
      { post: 'approval', branchId: 'BR-01', approvalLimit: 10_000_000, since: '2026-03-02T17:30:00.000Z' },
    ]);
    const auditor = `Bearer ${new JwtService().sign({ sub: 'audit-1', auditor: true }, { secret: SECRET, expiresIn: 60 })}`;
    expect((await t.http.get('/me').set('Authorization', auditor).expect(200)).body).toMatchObject({
      staffId: 'audit-1',
      auditor: true,
      name: null,
      posts: [],
      reads: { loans: true, reports: true, compliance: true },
    });
    expect((await t.http.get('/me').set(t.as('root', true)).expect(200)).body).toMatchObject({ admin: true, reads: { compliance: true } });
    // A token for nobody on the staff opens nothing.
    expect((await t.http.get('/me').set(t.as('stranger')).expect(200)).body.reads).toEqual({
      loans: false,
      reports: false,
      compliance: false,
    });
  });

  it('answers 401 problem+json without a token', async () => {
    const response = await t.http.get('/me').expect(401);
    expect(response.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(response.body.code).toBe('UNAUTHENTICATED');
  });
});

describe('dashboard files', () => {
  let t: TestApp;
  const dir = mkdtempSync(join(tmpdir(), 'loanflow-dashboard-'));
  beforeAll(async () => {
    mkdirSync(join(dir, 'assets'));
    writeFileSync(
      join(dir, 'index.html'),
      '<!doctype html><title>loanflow</title><script type="module" src="./assets/index-abc123.js"></script>',
    );
    writeFileSync(join(dir, 'assets', 'index-abc123.js'), 'console.log("dashboard")');
    t = await startApp(undefined, testConfig({ dashboardDir: dir }));
  });
  afterAll(() => t.close());

  it('serves the page at / without a token, asked for again on every load, under a strict content policy', async () => {
    const response = await t.http.get('/').expect(200);
    expect(response.text).toContain('<title>loanflow</title>');
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('serves the hashed assets to be kept, and leaves the API routes to the API', async () => {
    const asset = await t.http.get('/assets/index-abc123.js').expect(200);
    expect(asset.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(asset.headers['content-type']).toMatch(/javascript/);
    await t.http.get('/reports/portfolio').expect(401);
    expect((await t.http.get('/assets/missing.js').expect(404)).body.code).toBe('NOT_FOUND');
  });

  it('says how to build the dashboard when it is not built', async () => {
    const bare = await startApp(undefined, testConfig({ dashboardDir: join(dir, 'not-built') }));
    try {
      const response = await bare.http.get('/').expect(404);
      expect(response.body).toMatchObject({ code: 'DASHBOARD_NOT_BUILT', detail: expect.stringContaining('npm run build') });
    } finally {
      await bare.close();
    }
  });
});
