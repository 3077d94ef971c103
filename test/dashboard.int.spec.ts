/// <reference lib="dom" />
// (Callbacks passed to page.evaluate run in the browser, and the dashboard's modules are imported for their formats.)
import { JwtService } from '@nestjs/jwt';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { buildDemo, DemoSummary } from '../apps/cli/src/demo';
import { count, dateTime, money, monthOf, percent, percentOfBps, periodOf, toLocalInput } from '../apps/dashboard/src/format';
import { i18nFor, MESSAGES } from '../apps/dashboard/src/i18n';
import type {
  Compliance,
  LoanHistory,
  LoanMatches,
  LoanState,
  Maturities,
  Me,
  Performance,
  Portfolio,
  Provisions,
  RiskBoard,
  Warnings,
} from '../apps/dashboard/src/api';
import { SECRET, startApp, TestApp, testConfig } from './support/app';
import { CHROMIUM, hasChromium, launchChromium } from './support/chromium';

/**
 * The dashboard in a real browser (Debian's Chromium driven by playwright-core) against the real
 * app on a demo cooperative: sign-in, every page's figures against the API's answers, the
 * language switch, a loan followed from the risk board to its timeline, an accessibility pass
 * (axe-core) on every page, and the README's screenshots. Without Chromium the suite is reported
 * as skipped with its reason; under CI the integration setup fails instead.
 */
const available = hasChromium();
const title = available ? `dashboard in Chromium (${CHROMIUM})` : `skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium)`;
if (!available) console.warn(`dashboard browser suite ${title}`);

const ROOT = resolve(__dirname, '..');
const SCREENSHOTS = process.env.SCREENSHOT_DIR ?? join(ROOT, 'docs', 'screenshots');
const en = i18nFor('en');

(available ? describe : describe.skip)(title, () => {
  const work = mkdtempSync(join(tmpdir(), 'loanflow-dashboard-'));
  let demo: DemoSummary;
  let t: TestApp;
  let browser: Browser;
  let page: Page;
  let base: string;
  const pageErrors: string[] = [];
  const auditor = new JwtService().sign({ sub: 'audit-1', auditor: true }, { secret: SECRET, expiresIn: 3600 });
  /** What the API answers the auditor. */
  const api = async <T>(path: string): Promise<T> =>
    (await t.http.get(path).set('Authorization', `Bearer ${auditor}`).expect(200)).body as T;
  const texts = (selector: string) => page.$$eval(selector, (els) => els.map((e) => (e.textContent ?? '').trim()));
  const text = async (selector: string) => ((await page.textContent(selector)) ?? '').trim();
  const shot = (name: string) => page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  /** Serious or critical accessibility violations on the page as it stands. */
  const axeViolations = async () => {
    await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
    return page.evaluate(async () => {
      const axe = (
        window as unknown as {
          axe: { run(context: Document): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> };
        }
      ).axe;
      const { violations } = await axe.run(document);
      return violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) }));
    });
  };
  const open = async (route: string, ready: string) => {
    await page.goto(`${base}/#/${route}`);
    await page.waitForSelector(ready);
  };

  beforeAll(async () => {
    mkdirSync(SCREENSHOTS, { recursive: true });
    // The bundle under test is built from the sources now, into this run's own directory, as
    // `npm run build` builds it: Jest's NODE_ENV=test would otherwise give React's development build.
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'),
        'build',
        '--config',
        'apps/dashboard/vite.config.mts',
        '--outDir',
        join(work, 'dashboard'),
        '--logLevel',
        'warn',
      ],
      { cwd: ROOT, env: { ...process.env, NODE_ENV: 'production' } },
    );
    const env = { JWT_SECRET: SECRET, BUSINESS_TIME_ZONE: 'Asia/Shanghai' };
    demo = await buildDemo(
      { seed: 7, loans: 150, months: 12, branches: 3, staff: 30, start: '2024-11-04', db: join(work, 'demo.db'), force: false, env },
      () => undefined,
    );
    // The app's clock stands at the demo's last business day, mid-morning in Shanghai.
    t = await startApp(
      `${demo.to}T02:00:00.000Z`,
      testConfig({ sqlitePath: join(work, 'demo.db'), dashboardDir: join(work, 'dashboard') }),
    );
    await t.app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await launchChromium();
    // axe-core is put into the page by the test; the page's own policy would refuse it.
    // The browser's own zone is neither UTC nor the cooperative's: times must follow BUSINESS_TIME_ZONE.
    const context = await browser.newContext({
      viewport: { width: 1366, height: 900 },
      bypassCSP: true,
      locale: 'en-US',
      timezoneId: 'America/Los_Angeles',
    });
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  }, 170_000);

  // A script error in the page fails the case it happened in.
  afterEach(() => expect(pageErrors.splice(0)).toEqual([]));

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('refuses a bad token, then signs a staff member in and shows who they are and the posts they hold', async () => {
    await page.goto(base);
    await page.waitForSelector('#token');
    expect(await axeViolations()).toEqual([]);
    await shot('sign-in');
    await page.fill('#token', 'not-a-token');
    await page.click('button[type=submit]');
    await page.waitForSelector('.problem[role=alert]');
    expect(await text('.problem[role=alert]')).toBe(en.t.refused);

    const officer = new JwtService().sign({ sub: 'S-0103' }, { secret: SECRET, expiresIn: 3600 });
    const me = (await t.http.get('/me').set('Authorization', `Bearer ${officer}`).expect(200)).body as Me;
    expect(me.posts.length).toBeGreaterThan(0);
    await page.fill('#token', officer);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-who="S-0103"]');
    expect(await text('[data-who] strong')).toBe(`${me.name} (S-0103)`);
    expect(await texts('[data-who] .posts li')).toEqual(me.posts.map((p) => `${en.label(p.post)} · ${p.branchId}`));
    // Staff read reports but not compliance: its page is not offered.
    expect(await texts('nav.pages a')).toEqual([
      en.t.riskBoard,
      en.t.maturities,
      en.t.assessment,
      en.t.structure,
      en.t.provisions,
      en.t.loanTimeline,
    ]);
    expect(await page.evaluate(() => sessionStorage.getItem('loanflow.token'))).toBe(officer);

    await page.click(`text=${en.t.signOut}`);
    await page.waitForSelector('#token');
    await page.fill('#token', auditor);
    await page.click('button[type=submit]');
    await page.waitForSelector('[data-who="audit-1"]');
    expect(await texts('nav.pages a')).toContain(en.t.compliance);
  });

  it('shows the risk board the API answers: points ranked by occurrence × loss rate, warnings by level with their action', async () => {
    await open('risk', '[data-chart="risk-points"][data-ready]');
    await page.waitForSelector('[data-table="warnings"]');
    const board = await api<RiskBoard>('/reports/risk-board');
    expect(board.points.some((p) => (p.score ?? 0) > 0)).toBe(true);
    expect(await page.$$eval('[data-table="risk-points"] tbody tr', (rows) => rows.map((r) => r.getAttribute('data-code')))).toEqual(
      board.points.map((p) => p.code),
    );
    for (const p of board.points) {
      const row = `[data-table="risk-points"] tr[data-code="${p.code}"]`;
      expect(await text(`${row} [data-figure=occurrenceRate]`)).toBe(percent(p.occurrenceRate, 'en'));
      expect(await text(`${row} [data-figure=lossRate]`)).toBe(percent(p.lossRate, 'en'));
      expect(await text(`${row} [data-figure=score]`)).toBe(percent(p.score, 'en'));
      expect(await text(`${row} [data-figure=openExposure]`)).toBe(money(p.openExposure, 'en'));
    }
    expect(await text('[data-stat=open] .stat-value')).toBe(count(board.warnings.open, 'en'));
    for (const level of ['red', 'orange', 'yellow', 'green'] as const)
      expect(await text(`[data-level=${level}] .stat-value`)).toBe(count(board.warnings.byLevel[level], 'en'));

    const { warnings } = await api<Warnings>('/reports/warnings');
    expect(warnings.length).toBeGreaterThan(0);
    const shown = warnings.slice(0, 100);
    expect(await page.$$eval('[data-table="warnings"] tbody tr', (rows) => rows.map((r) => r.getAttribute('data-warning')))).toEqual(
      shown.map((w) => `${w.loanId}:${w.signalId}`),
    );
    expect(await texts('[data-table="warnings"] tbody tr td:nth-child(4)')).toEqual(shown.map((w) => en.label(w.action)));
    expect(await texts('[data-table="warnings"] [data-figure=principalOutstanding]')).toEqual(
      shown.map((w) => money(w.principalOutstanding, 'en')),
    );
    await shot('risk-board');
    expect(await axeViolations()).toEqual([]);

    // A level filters the list to that level, as the API filters it.
    await page.click('[data-level=red]');
    await page.waitForSelector('[data-level=red][aria-pressed=true]');
    const red = await api<Warnings>('/reports/warnings?level=red');
    await page.waitForFunction((n) => document.querySelectorAll('[data-table="warnings"] tbody tr').length === n, red.warnings.length);
    expect(await texts('[data-table="warnings"] tbody tr td:nth-child(1)')).toEqual(red.warnings.map(() => en.label('red')));

    // One officer's work list: the API's answer for that officer, the board's figures unchanged.
    const officer = warnings[warnings.length - 1].officerId;
    await page.click('[data-level=red]');
    await page.waitForSelector('[data-level=red][aria-pressed=false]');
    await page.fill('input[name=officerId]', officer);
    await page.click('form.filters button[type=submit]');
    await page.waitForSelector(`text=${en.t.openWarnings} · ${en.t.officer} ${officer}`);
    const theirs = await api<Warnings>(`/reports/warnings?officerId=${officer}`);
    expect(theirs.warnings.length).toBeLessThan(warnings.length);
    await page.waitForFunction((n) => document.querySelectorAll('[data-table="warnings"] tbody tr').length === n, theirs.warnings.length);
    expect(await page.$$eval('[data-table="warnings"] tbody tr', (rows) => rows.map((r) => r.getAttribute('data-warning')))).toEqual(
      theirs.warnings.map((w) => `${w.loanId}:${w.signalId}`),
    );
    expect(await text('[data-stat=open] .stat-value')).toBe(count(board.warnings.open, 'en'));
    await page.fill('input[name=officerId]', '');
    await page.click('form.filters button[type=submit]');
    await page.waitForSelector(`h2:text-is("${en.t.openWarnings}")`);
  });

  it('follows a warning from the risk board to its loan: every event with who and when, the chain verdict, the state as of any time', async () => {
    const [first] = (await api<Warnings>('/reports/warnings?level=red')).warnings;
    await page.click(`[data-warning="${first.loanId}:${first.signalId}"] a.loan-link`);
    await page.waitForSelector('[data-chain]');
    expect(await page.evaluate(() => window.location.hash)).toBe(`#/loan/${first.loanId}`);
    const history = await api<LoanHistory>(`/loans/${first.loanId}/history`);
    const me = await api<Me>('/me');
    expect(await page.getAttribute('[data-chain]', 'data-chain')).toBe('valid');
    expect(await page.$$eval('[data-table="timeline"] > li', (items) => items.map((i) => i.getAttribute('data-type')))).toEqual(
      history.events.map((e) => e.type),
    );
    expect(await texts('[data-table="timeline"] [data-figure=when]')).toEqual(
      history.events.map((e) => dateTime(e.recordedAt, me.businessTimeZone)),
    );
    expect(await texts('[data-table="timeline"] [data-figure=who]')).toEqual(history.events.map((e) => e.actorId));
    await page.waitForSelector('[data-state-as-of=now]');
    expect(await text('[data-figure=version]')).toBe(String(history.version));

    // The state right after an earlier event, as the API rebuilds it at that instant.
    const earlier = history.events[Math.floor(history.events.length / 2)];
    await page.click(`[data-version="${earlier.version}"] button`);
    await page.waitForSelector(`[data-state-as-of="${earlier.recordedAt}"]`);
    const then = await api<LoanState>(`/loans/${first.loanId}?asOf=${encodeURIComponent(earlier.recordedAt)}`);
    expect(then.version).toBeLessThan(history.version);
    expect(await text('[data-figure=version]')).toBe(String(then.version));
    expect(await text('[data-figure=status]')).toBe(en.label(then.status));
    expect(await text('[data-figure=outstanding]')).toBe(then.outstanding ? money(then.outstanding.principal, 'en') : '—');
    expect(await page.inputValue('input[name=asOf]')).toBe(toLocalInput(earlier.recordedAt, me.businessTimeZone));
    await shot('loan');
    expect(await axeViolations()).toEqual([]);

    // A time typed on the cooperative's clock, before the loan existed: said so, not an error.
    await page.fill(
      'input[name=asOf]',
      toLocalInput(new Date(Date.parse(history.events[0].recordedAt) - 86_400_000).toISOString(), me.businessTimeZone),
    );
    await page.click('form:has(input[name=asOf]) button[type=submit]');
    await page.waitForSelector(`text=${en.t.notYet}`);
    // A loan that does not exist: the API's problem, shown.
    await open('loan/L-NOPE', '[data-code=LOAN_NOT_FOUND]');

    // Typing part of an id offers the loans whose id or borrower's id begins with it, as the API finds them.
    const prefix = first.loanId.slice(0, -1);
    await page.fill('input[name=loanId]', prefix);
    await page.waitForSelector('[data-table=matches]');
    const matches = await api<LoanMatches>(`/loans?search=${prefix}&pageSize=10`);
    expect(matches.items.length).toBeGreaterThan(1);
    expect(await page.$$eval('[data-table=matches] li', (items) => items.map((i) => i.getAttribute('data-loan')))).toEqual(
      matches.items.map((l) => l.loanId),
    );
    await page.click(`[data-table=matches] li[data-loan="${matches.items[1].loanId}"] a`);
    await page.waitForSelector('[data-chain]');
    expect(await text('main h2')).toBe(`${en.t.loan} ${matches.items[1].loanId}`);
    await page.waitForSelector('[data-table=matches]', { state: 'detached' });
  });

  it('lists the month’s maturing loans per branch and officer, and the overdue loans, as the API does', async () => {
    const me = await api<Me>('/me');
    const month = monthOf(me.today, 1);
    await open('maturities', 'input[name=month]');
    await page.fill('input[name=month]', month);
    await page.click('form.filters button[type=submit]');
    await page.waitForSelector(`text=${en.t.dueThisMonth} · ${month}`);
    const report = await api<Maturities>(`/reports/maturities?month=${month}`);
    expect(report.branches.length).toBeGreaterThan(0);
    expect(report.overdue.length).toBeGreaterThan(0);
    for (const b of report.branches) {
      expect(await text(`[data-branch="${b.branchId}"] [data-figure=loans]`)).toBe(count(b.loans, 'en'));
      expect(await text(`[data-branch="${b.branchId}"] h3 [data-figure=principalOutstanding]`)).toBe(money(b.principalOutstanding, 'en'));
      expect(
        await page.$$eval(`[data-branch="${b.branchId}"] tr[data-loan]`, (rows) => rows.map((r) => r.getAttribute('data-loan'))),
      ).toEqual(b.officers.flatMap((o) => o.loans.map((l) => l.loanId)));
    }
    expect(await page.$$eval('[data-table=overdue] tr[data-loan]', (rows) => rows.map((r) => r.getAttribute('data-loan')))).toEqual(
      report.overdue.map((o) => o.loanId),
    );
    expect(await texts('[data-table=overdue] [data-figure=daysPastDue]')).toEqual(report.overdue.map((o) => count(o.daysPastDue, 'en')));
    expect(await texts('[data-table=overdue] [data-figure=principalOverdue]')).toEqual(
      report.overdue.map((o) => money(o.principalOverdue, 'en')),
    );
    await page.waitForSelector('[data-chart=maturities][data-ready]');
    await shot('maturities');
    expect(await axeViolations()).toEqual([]);
  });

  it('shows each branch’s and officer’s recovery, interest recovery and new-loan NPL rates, and who is behind each bad new loan', async () => {
    const me = await api<Me>('/me');
    const { from, to } = periodOf(monthOf(me.today, -11), monthOf(me.today));
    await open('assessment', '[data-chart=assessment][data-ready]');
    const byBranch = await api<Performance>(`/reports/performance?from=${from}&to=${to}&groupBy=branch`);
    expect(await page.$$eval('[data-table=performance] tbody tr', (rows) => rows.map((r) => r.getAttribute('data-row')))).toEqual([
      ...byBranch.rows.map((r) => r.branchId),
      'total',
    ]);
    for (const row of [...byBranch.rows.map((r) => ({ key: r.branchId!, r })), { key: 'total', r: byBranch.total }])
      for (const figure of ['recoveryRate', 'interestRecoveryRate', 'nplRate'] as const)
        expect(await text(`[data-row="${row.key}"] [data-figure=${figure}]`)).toBe(percent(row.r[figure], 'en'));
    expect(byBranch.accountability.length).toBeGreaterThan(0);
    expect(await page.$$eval('[data-table=accountability] tr[data-loan]', (rows) => rows.map((r) => r.getAttribute('data-loan')))).toEqual(
      byBranch.accountability.map((a) => a.loanId),
    );
    expect(await texts('[data-table=accountability] [data-figure=approval]')).toEqual(
      byBranch.accountability.map((a) => a.approvedBy.join(', ')),
    );
    expect(await texts('[data-table=accountability] [data-figure=investigation]')).toEqual(
      byBranch.accountability.map((a) => a.investigatedBy.join(', ')),
    );
    await shot('assessment');
    expect(await axeViolations()).toEqual([]);

    // Per officer, in each post they are assessed in, over one quarter.
    const quarter = periodOf(monthOf(me.today, -2), monthOf(me.today));
    await page.fill('input[name=from]', monthOf(me.today, -2));
    await page.selectOption('select[name=groupBy]', 'officer');
    await page.click('form.filters button[type=submit]');
    await page.waitForSelector(`text=${en.t.assessment} · ${quarter.from} – ${quarter.to}`);
    const byOfficer = await api<Performance>(`/reports/performance?from=${quarter.from}&to=${quarter.to}&groupBy=officer`);
    for (const r of byOfficer.rows) {
      const key = `${r.staffId} · ${r.post}`;
      expect(await text(`[data-row="${key}"] [data-figure=recoveryRate]`)).toBe(percent(r.recoveryRate, 'en'));
      expect(await text(`[data-row="${key}"] [data-figure=nplRate]`)).toBe(percent(r.nplRate, 'en'));
      expect(await text(`[data-row="${key}"] [data-figure=disbursed]`)).toBe(money(r.disbursed, 'en'));
    }
  });

  it('shows the credit structure against its targets with the breaches highlighted', async () => {
    await open('structure', '[data-chart=structure-purpose][data-ready]');
    const portfolio = await api<Portfolio>('/reports/portfolio');
    expect(await text('[data-stat=loans] .stat-value')).toBe(count(portfolio.loans, 'en'));
    expect(await text('[data-stat=balance] .stat-value')).toBe(money(portfolio.balance, 'en'));
    for (const [dimension, buckets] of Object.entries(portfolio.dimensions)) {
      const table = `[data-table="structure-${dimension}"]`;
      expect(await texts(`${table} [data-figure=share]`)).toEqual(buckets.map((b) => percentOfBps(b.shareBps, 'en')));
      expect(await texts(`${table} [data-figure=balance]`)).toEqual(buckets.map((b) => money(b.balance, 'en')));
      expect(await page.$$eval(`${table} tr.breached`, (rows) => rows.map((r) => r.getAttribute('data-bucket')))).toEqual(
        buckets.filter((b) => b.breach).map((b) => b.bucket),
      );
    }
    expect(portfolio.breaches.length).toBeGreaterThan(0);
    expect(await page.$$eval('[data-breach]', (items) => items.map((i) => i.getAttribute('data-breach')))).toEqual(
      portfolio.breaches.map((b) => `${b.dimension}:${b.bucket}`),
    );
    await shot('structure');
    expect(await axeViolations()).toEqual([]);
  });

  it('shows the loan-loss provisions per branch and category, and as of an earlier day when asked', async () => {
    await open('provisions', '[data-table=provisions-total]');
    const figures = (p: Provisions['total']) => [...p.byCategory.map((c) => money(c.provision, 'en')), money(p.provision, 'en')];
    const today = await api<Provisions>('/reports/provisions');
    expect(today.branches.length).toBeGreaterThan(1);
    for (const figure of ['loans', 'balance', 'general', 'specific', 'provision'] as const)
      expect(await text(`[data-stat=${figure}] .stat-value`)).toBe(
        figure === 'loans' ? count(today.total.loans, 'en') : money(today.total[figure], 'en'),
      );
    for (const b of today.branches) {
      const table = `[data-table="provisions-${b.branchId}"]`;
      expect(await texts(`${table} [data-figure=balance]`)).toEqual([
        ...b.byCategory.map((c) => money(c.balance, 'en')),
        money(b.balance, 'en'),
      ]);
      expect(await texts(`${table} [data-figure=provision]`)).toEqual(figures(b));
    }
    expect(await texts('[data-table=provisions-total] [data-figure=provision]')).toEqual(figures(today.total));
    expect(await axeViolations()).toEqual([]);

    const earlier = `${monthOf(demo.to, -3)}-15`;
    await page.fill('input[name=asOf]', earlier);
    await page.click('form.filters button[type=submit]');
    await page.waitForSelector(`text=${en.t.allBranches} · ${en.t.asOf} ${earlier}`);
    const then = await api<Provisions>(`/reports/provisions?asOf=${earlier}`);
    expect(await texts('[data-table=provisions-total] [data-figure=provision]')).toEqual(figures(then.total));
  });

  it('lists violations and refused attempts, filtered by person and severity as the API filters them', async () => {
    await open('compliance', '[data-table=findings]');
    const all = await api<Compliance>('/compliance/violations');
    for (const [kind, n] of Object.entries(all.counts)) expect(await text(`[data-stat=${kind}] .stat-value`)).toBe(count(n, 'en'));
    expect(await page.$$eval('[data-table=findings] tbody tr', (rows) => rows.length)).toBe(all.findings.length);
    await shot('compliance');
    expect(await axeViolations()).toEqual([]);

    const refused = all.findings.find((f) => f.kind === 'refused_attempt' && f.loanId !== null)!;
    const person = refused.people[0];
    await page.fill('input[name=staffId]', person);
    await page.selectOption('select[name=severity]', refused.severity);
    await page.click('form.filters button[type=submit]');
    const filtered = await api<Compliance>(`/compliance/violations?staffId=${person}&severity=${refused.severity}`);
    await page.waitForFunction((n) => document.querySelectorAll('[data-table=findings] tbody tr').length === n, filtered.findings.length);
    expect(await page.$$eval('[data-table=findings] tbody tr', (rows) => rows.map((r) => r.getAttribute('data-finding')))).toEqual(
      filtered.findings.map((f) => f.code),
    );
    expect(await texts('[data-table=findings] [data-figure=people]')).toEqual(filtered.findings.map((f) => f.people.join(', ')));
  });

  it('switches to Chinese and back: every word from the Chinese texts, the same figures', async () => {
    await open('risk', '[data-chart="risk-points"][data-ready]');
    await page.click('[data-action=switch-language]');
    await page.waitForSelector('html[lang="zh-CN"]');
    const zh = MESSAGES['zh-CN'];
    expect(await texts('nav.pages a')).toEqual([
      zh.riskBoard,
      zh.maturities,
      zh.assessment,
      zh.structure,
      zh.provisions,
      zh.compliance,
      zh.loanTimeline,
    ]);
    expect(await text('main h1')).toBe(zh.riskBoard);
    await page.waitForSelector('[data-chart="risk-points"][data-ready]');
    const board = await api<RiskBoard>('/reports/risk-board');
    for (const p of board.points)
      expect(await text(`tr[data-code="${p.code}"] [data-figure=openExposure]`)).toBe(money(p.openExposure, 'zh-CN'));
    expect(await text('[data-level=red] .stat-label')).toBe('红色');
    await shot('risk-board.zh-CN');
    expect(await axeViolations()).toEqual([]);
    // The choice outlives a reload.
    await page.reload();
    await page.waitForSelector('html[lang="zh-CN"] nav.pages');
    await page.click('[data-action=switch-language]');
    await page.waitForSelector('html[lang="en"]');
    expect(await text('main h1')).toBe(en.t.riskBoard);
  });

  it('shows an auditor where a loan’s chain was broken behind the service', async () => {
    const [loan] = (await api<LoanMatches>('/loans?status=active&pageSize=1')).items;
    await t.tamper({
      sqlite: `UPDATE events SET data = json_set(data, '$.edited', 1) WHERE stream_id = 'loan-${loan.loanId}' AND stream_version = 1`,
    });
    const history = await api<LoanHistory>(`/loans/${loan.loanId}/history`);
    expect(history.chain.valid).toBe(false);
    await open(`loan/${loan.loanId}`, '[data-chain=broken]');
    expect(await page.$$eval('[data-table=timeline] li.broken', (items) => items.map((i) => i.getAttribute('data-version')))).toEqual([
      '1',
    ]);
    expect(await texts('[data-table=timeline] [data-break]')).toEqual(
      history.chain.breaks.map((b) => `${en.t.chainBroken}: ${b.problem} ${b.detail}`),
    );
    expect(await axeViolations()).toEqual([]);
  });

  it('goes back to sign-in when the API refuses the token mid-session', async () => {
    await page.evaluate(() => sessionStorage.setItem('loanflow.token', 'expired.or.forged'));
    await open('structure', '.problem[role=alert]');
    expect(await text('.problem[role=alert]')).toBe(en.t.refused);
    expect(await page.$('#token')).not.toBeNull();
    expect(await page.evaluate(() => sessionStorage.getItem('loanflow.token'))).toBeNull();
  });
});
