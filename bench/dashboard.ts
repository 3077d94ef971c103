import { JwtService } from '@nestjs/jwt';
import { loadConfig } from '@loanflow/config';
import { openSqlite, SqliteEventStore, systemClock } from '@loanflow/event-store';
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildDemo, demoOptions } from '../apps/cli/src/demo';
import { createApp } from '../apps/api/src/app';
import { CHROMIUM, hasChromium, launchChromium } from '../test/support/chromium';

const LOADS = Number(process.env.BENCH_DASHBOARD_LOADS ?? 15);
const SECRET = 'bench-secret-0123456789abcdef0123456789';

export interface DashboardFigures {
  files: { name: string; bytes: number; gzip: number }[];
  demoEvents: number;
  /** ms from navigation start: the risk-point chart drawn, and the whole board (chart, tables, warnings) shown. */
  cold: { chart: number; board: number };
  warm: { chart: { median: number; p95: number }; board: { median: number; p95: number } };
}

const quantile = (values: number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil(q * values.length) - 1)];

/**
 * The built dashboard's size (raw and gzip), and the time from navigation to the risk board's
 * first render in Chromium, on the demo cooperative served by the real app: once with an empty
 * browser cache, then over `LOADS` reloads.
 */
export async function dashboardBench(dir: string, log: (line: string) => void): Promise<DashboardFigures | string> {
  const built = resolve('dist/dashboard');
  if (!existsSync(join(built, 'index.html'))) return 'the dashboard is not built (npm run build)';
  if (!hasChromium()) return `no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;
  const files = ['index.html', ...readdirSync(join(built, 'assets')).map((f) => `assets/${f}`)].map((name) => {
    const content = readFileSync(join(built, name));
    return { name, bytes: content.length, gzip: gzipSync(content).length };
  });

  const demoPath = process.env.BENCH_DEMO_DB || join(dir, 'demo.db');
  if (!existsSync(demoPath)) {
    log(`building the demo cooperative in ${demoPath} (set BENCH_DEMO_DB to reuse one)`);
    await buildDemo({ ...demoOptions([], {}), db: demoPath, force: true, env: { ...process.env, JWT_SECRET: SECRET } }, () => undefined);
  }
  // The app projects into the file it serves: it gets a copy, the demo stays as it was.
  const served = join(dir, 'dashboard.db');
  copyFileSync(demoPath, served);
  const events = new SqliteEventStore(openSqlite(served), { clock: systemClock });
  const demoEvents = (await events.headPosition()) + 1;
  const [last] = await events.readAll(demoEvents - 1, 1);
  await events.close();
  // The clock stands an hour after the demo's last event: "today" is the demo's last day.
  const now = new Date(Date.parse(last.metadata.occurredAt) + 3_600_000);
  const app = await createApp(
    { ...loadConfig({ JWT_SECRET: SECRET, SQLITE_PATH: served, BUSINESS_TIME_ZONE: 'Asia/Shanghai' }), dashboardDir: built },
    { clock: () => now, logger: false },
  );
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const token = new JwtService().sign({ sub: 'bench-auditor', auditor: true }, { secret: SECRET, expiresIn: 3600 });
  // The read models catch up with the log before anything is timed.
  log(`projecting ${demoEvents} events before the first page load`);
  await fetch(`${base}/reports/risk-board`, { headers: { Authorization: `Bearer ${token}` } });

  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    // Signed in as the dashboard keeps it: the token in the tab's session storage.
    await context.addInitScript({ content: `sessionStorage.setItem('loanflow.token', ${JSON.stringify(token)})` });
    const page = await context.newPage();
    const load = async (): Promise<{ chart: number; board: number }> => {
      await page.goto(`${base}/#/risk`);
      await page.waitForSelector('[data-chart="risk-points"][data-ready]');
      await page.waitForSelector('[data-table="warnings"]');
      return page.evaluate(() => ({
        chart: performance.getEntriesByName('chart-ready:risk-points')[0].startTime,
        board: performance.now(),
      }));
    };
    const cold = await load();
    const warm: { chart: number; board: number }[] = [];
    for (let i = 0; i < LOADS; i++) {
      await page.goto('about:blank');
      warm.push(await load());
    }
    const figure = (key: 'chart' | 'board') => ({
      median: quantile(
        warm.map((w) => w[key]),
        0.5,
      ),
      p95: quantile(
        warm.map((w) => w[key]),
        0.95,
      ),
    });
    return { files, demoEvents, cold, warm: { chart: figure('chart'), board: figure('board') } };
  } finally {
    await browser.close();
    await app.close();
  }
}
