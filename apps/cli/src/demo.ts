import { resolve } from 'node:path';
import { businessDate, DEFAULT_SQLITE_PATH, LoanflowConfig, loadConfig } from '@loanflow/config';
import { formatCents, lastDayOfMonth } from '@loanflow/domain';
import { systemClock } from '@loanflow/event-store';
import { CommandSpec, dateFlag, parseCommand, stringFlag, UsageError, wholeNumberFlag } from './flags';
import { MIN_STAFF_PER_BRANCH } from './demo/cooperative';
import { DemoPlanInput, planDemo } from './demo/plan';
import { DemoSummary, prepareFile, runDemo } from './demo/runner';

export type { DemoSummary } from './demo/runner';

/**
 * `loanflow demo`: a cooperative built through the real HTTP routes of the real app, on a SQLite
 * file, with a clock the demo moves one business day at a time. Every act is made by a named
 * staff member with a signed token; every random choice comes from one seed, so the same seed
 * gives the same log (event ids and hashes aside, which carry random bits). The acts are planned
 * first, purely (demo/plan.ts), then sent (demo/runner.ts).
 */
export interface DemoOptions extends Omit<DemoPlanInput, 'today'> {
  /** The SQLite file of the log and its read models. */
  db: string;
  /** Delete the file first when it already holds a log. */
  force: boolean;
  /** Requests in flight at once within a day. */
  concurrency?: number;
  /** JWT_SECRET, BUSINESS_TIME_ZONE...; default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** The demo's command line: its flags, and what it does. */
export const DEMO_COMMAND: CommandSpec = {
  usage: `  demo [--seed N] [--loans N] [--months N] [--branches N] [--staff N] [--start YYYY-MM-DD] [--db PATH] [--force]
                                          build a realistic cooperative through the real routes (defaults: seed 1,
                                          2000 loans, the 24 months up to yesterday, every day closed, 3 branches,
                                          30 staff, SQLITE_PATH); --start fixes the calendar (and, with --seed, the data)`,
  options: {
    seed: { type: 'string' },
    loans: { type: 'string' },
    months: { type: 'string' },
    branches: { type: 'string' },
    staff: { type: 'string' },
    start: { type: 'string' },
    db: { type: 'string' },
    force: { type: 'boolean' },
    concurrency: { type: 'string' },
  },
};

/** Reads the demo's flags; throws a UsageError naming the flag when one is unknown or its value wrong. */
export function demoOptions(args: string[], env: NodeJS.ProcessEnv): DemoOptions {
  const { values } = parseCommand('demo', DEMO_COMMAND, args);
  const branches = wholeNumberFlag(values, 'branches', 1, 20, 3);
  const start = dateFlag(values, 'start');
  const options: DemoOptions = {
    seed: wholeNumberFlag(values, 'seed', 0, 2 ** 32 - 1, 1),
    loans: wholeNumberFlag(values, 'loans', 1, 100_000, 2000),
    months: wholeNumberFlag(values, 'months', 1, 120, 24),
    branches,
    staff: wholeNumberFlag(values, 'staff', 1, 10_000, Math.max(30, branches * MIN_STAFF_PER_BRANCH)),
    ...(start !== undefined ? { start } : {}),
    db: stringFlag(values, 'db') ?? env.SQLITE_PATH ?? DEFAULT_SQLITE_PATH,
    force: values.force === true,
    concurrency: wholeNumberFlag(values, 'concurrency', 1, 256, 16),
    env,
  };
  if (options.staff < branches * MIN_STAFF_PER_BRANCH)
    throw new UsageError(`demo: ${branches} branches need at least ${branches * MIN_STAFF_PER_BRANCH} staff (--staff)`);
  return options;
}

/** Plans the demo for today at the cooperative, then sends the plan through the app into `options.db`. */
export async function buildDemo(options: DemoOptions, log: (line: string) => void): Promise<DemoSummary> {
  const began = Date.now();
  const env = options.env ?? process.env;
  const db = resolve(options.db);
  const config: LoanflowConfig = {
    ...loadConfig({ ...env, EVENT_STORE: 'sqlite', SQLITE_PATH: db, KAFKA_BROKERS: '' }),
    eventStore: 'sqlite',
    sqlitePath: db,
    kafka: undefined,
  };
  const { seed, loans, months, branches, staff, start } = options;
  const plan = planDemo({ seed, loans, months, branches, staff, start, today: businessDate(systemClock(), config.businessTimeZone) });
  await prepareFile(config, options.force);
  log(
    `demo: seed ${options.seed}, ${options.loans} loans over ${options.months} months from ${plan.days[0]} (${plan.days.length} business days), ` +
      `${plan.branches.length} branches, ${plan.staff} staff, ${plan.acts.length} acts planned, into ${db}`,
  );
  return runDemo(plan, { config, concurrency: options.concurrency ?? 16, began }, log);
}

/** The summary as the CLI prints it. */
export function formatSummary(s: DemoSummary): string[] {
  const list = (r: Record<string, number>) =>
    Object.entries(r)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
  const env = `SQLITE_PATH=${s.db}`;
  return [
    `demo done in ${(s.wallMs / 1000).toFixed(1)} s: ${s.from} to ${s.to} (${s.businessDays} business days; every day closed through ${s.closedThrough}, ${s.endOfDayRuns} end-of-day runs)`,
    `  branches   ${s.branches.length}: ${s.branches.join(', ')}`,
    `  staff      ${s.staff}, admin "admin"`,
    `  borrowers  ${s.borrowers}`,
    `  loans      ${s.loans}: ${list(s.loansByStatus)}`,
    `  active     by category: ${list(s.activeByCategory)}; non-performing ${s.nonPerforming}`,
    `  events     ${s.eventsAppended} appended through ${s.requests} requests: ${list(s.eventsByType)}`,
    `  refused    ${s.refusedAttempts} attempts on purpose (403, in the access audit): ${list(s.refusedByRule)}; ${s.expectedConflicts} static conflicts (409)`,
    `  risk       borrowers rated ${list(s.risk.ratedByGrade) || 'none'}; credit committee: ${s.risk.committee.approved} approved, ` +
      `${s.risk.committee.rejected} rejected in ${s.risk.committee.votes} votes; ${s.risk.guarantees} guarantees added, ` +
      `${s.risk.earlyRecoveries} early recoveries demanded, ${s.risk.extensions} extensions, ${s.risk.writeOffs} write-offs, ${s.risk.recoveries} recoveries after write-off`,
    `${s.risk.latePayments} late payments paid ${formatCents(s.risk.penaltyCollected)} of penalty and compound interest`,
    `  signals    ${Object.values(s.risk.signalsRaised).reduce((a, b) => a + b, 0)} raised (${list(s.risk.signalsRaised) || 'none'}), ` +
      `${s.risk.signalsResolved} resolved, ${s.risk.signalsOpen} open`,
    ...(s.readSide
      ? [
          `  read side  GET /loans?status=active: ${s.readSide.activeListed}; /reports/portfolio: ${s.readSide.portfolio.loans} loans, ` +
            `breaches: ${s.readSide.portfolio.breaches.join(', ') || 'none'}; /reports/performance: ${s.readSide.performance.newLoans} new loans, ` +
            `NPL rate ${s.readSide.performance.nplRate}, ${s.readSide.performance.accountable} traced to their people; ` +
            `/reports/maturities?month=${s.readSide.maturing.month}: ${s.readSide.maturing.loans} loans; /compliance/violations: ${list(s.readSide.compliance)}`,
          ...s.readSide.mismatches.map((m) => `  MISMATCH   ${m}`),
        ]
      : []),
    `look at it:`,
    `  ${env} npm start                                  # the api on http://localhost:3000, OpenAPI at /docs`,
    `  TOKEN=$(${env} npm run --silent cli -- token S-0101)   # the head of BR-01 (approval post)`,
    `  curl -H "Authorization: Bearer $TOKEN" 'http://localhost:3000/loans?status=active&branchId=BR-01'`,
    `  curl -H "Authorization: Bearer $TOKEN" http://localhost:3000/loans/L-00001/history`,
    `  curl -H "Authorization: Bearer $TOKEN" http://localhost:3000/config/history   # scorecard, risk points, warning rules, committee`,
    `  curl -H "Authorization: Bearer $TOKEN" http://localhost:3000/reports/portfolio     # also /reports/maturities?month=YYYY-MM,`,
    `                                      # /reports/performance?from=${s.from.slice(0, 7)}-01&to=${lastDayOfMonth(s.to.slice(0, 7))}&groupBy=branch (whole months), /compliance/violations`,
    `  ${env} npm run cli -- audit L-00001     # a loan's timeline and chain verdict`,
    `  ${env} npm run cli -- denials           # the refused attempts`,
    `  ${env} npm run cli -- verify            # every hash chain`,
  ];
}
