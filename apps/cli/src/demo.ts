import { INestApplication } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { dirname, resolve } from 'node:path';
import { businessDate, DEFAULT_SQLITE_PATH, LoanflowConfig, loadConfig, zonedInstant } from '@loanflow/config';
import {
  addMonths,
  bookOf,
  Category,
  CATEGORIES,
  DEFAULT_WARNING_RULES,
  isNonPerforming,
  Loan,
  loanDecider,
  LoanEvent,
  openSignals,
  positionOn,
  Post,
  rateBorrower,
  Relation,
  RepaymentMethod,
  RiskPoint,
  Scorecard,
  Security,
  SIGNAL_RULES,
  lastDayOfMonth,
  daysBetween,
  formatCents,
  upcast,
} from '@loanflow/domain';
import { identityNumberFor, residentIdFor } from '@loanflow/domain/borrower/sample-identities';
import { CommandSpec, dateFlag, parseCommand, stringFlag, UsageError, wholeNumberFlag } from './flags';
import { EventStore, systemClock } from '@loanflow/event-store';
import { EndOfDayService, ProjectionService } from '@loanflow/projections';
import { AccessAuditLog, openStorage } from '@loanflow/storage';
import { ACCESS_AUDIT, createApp, EVENT_STORE } from '@loanflow/api';

/**
 * `loanflow demo`: a cooperative built through the real HTTP routes of the real app, on a SQLite
 * file, with a clock the demo moves one business day at a time. Every act is made by a named
 * staff member with a signed token; every random choice comes from one seed, so the same seed
 * gives the same log (event ids and hashes aside, which carry random bits).
 */
export interface DemoOptions {
  seed: number;
  /** Loans applied for over the period. */
  loans: number;
  months: number;
  branches: number;
  staff: number;
  /**
   * First calendar date, YYYY-MM-DD; by default `months` before today. The calendar ends the day
   * before today at the latest, every day of it closed, so the demo's data is current when it is done.
   */
  start?: string;
  /** The SQLite file of the log and its read models. */
  db: string;
  /** Delete the file first when it already holds a log. */
  force: boolean;
  /** Requests in flight at once within a day. */
  concurrency?: number;
  /** JWT_SECRET, BUSINESS_TIME_ZONE...; default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface DemoSummary {
  db: string;
  seed: number;
  from: string;
  to: string;
  businessDays: number;
  /** The last day closed: the day before today, or the calendar's end. */
  closedThrough: string;
  /** Days from the first to the last closed, each closed by end of day. */
  calendarDays: number;
  branches: string[];
  staff: number;
  borrowers: number;
  loans: number;
  loansByStatus: Record<string, number>;
  /** Active loans by category, as end of day and the inspectors left them. */
  activeByCategory: Record<string, number>;
  nonPerforming: number;
  eventsAppended: number;
  eventsByType: Record<string, number>;
  /** 403s the demo provoked on purpose, as the access-audit log recorded them, by rule code. */
  refusedAttempts: number;
  refusedByRule: Record<string, number>;
  /** 409s the demo provoked on purpose (static separation of duties). */
  expectedConflicts: number;
  requests: number;
  endOfDayRuns: number;
  classifiedAtEndOfDay: number;
  /** The risk side, from the log: ratings on the borrowers' files, committee decisions, warning signals and what was done about them. */
  risk: {
    ratedByGrade: Record<string, number>;
    committee: { approved: number; rejected: number; votes: number };
    signalsRaised: Record<string, number>;
    signalsResolved: number;
    signalsOpen: number;
    guarantees: number;
    earlyRecoveries: number;
    extensions: number;
    writeOffs: number;
    /** Money recorded on written-off claims. */
    recoveries: number;
    /** Payments that paid penalty or compound interest, and how much of it. */
    latePayments: number;
    penaltyCollected: number;
  };
  /** What the read side (GET /loans, /reports/*, /compliance/violations) answered at the end. */
  readSide: {
    activeListed: number;
    portfolio: { loans: number; breaches: string[] };
    performance: { newLoans: number; nplRate: number | null; recoveryRate: number | null; accountable: number };
    maturing: { month: string; loans: number };
    compliance: Record<string, number>;
    /** Where the read side disagrees with the log. */
    mismatches: string[];
  } | null;
  wallMs: number;
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

// ---------------------------------------------------------------------------------------------
// Deterministic randomness and the calendar

/** mulberry32: a small, fast, seeded PRNG; the same seed gives the same sequence everywhere. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** An independent stream per purpose (a loan, the staff...): one's draws never shift another's. */
function subRng(seed: number, ...keys: number[]): () => number {
  let h = seed >>> 0;
  for (const k of keys) h = Math.imul(h ^ (k + 0x9e3779b9), 0x85ebca6b) ^ (h >>> 13);
  return mulberry32(h);
}

type Rng = () => number;
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];
const between = (rng: Rng, min: number, max: number) => min + Math.floor(rng() * (max - min + 1));
function weighted<T>(rng: Rng, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let r = rng() * total;
  for (const [item, w] of items) if ((r -= w) < 0) return item;
  return items[items.length - 1][0];
}

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}
const isWeekend = (date: string) => {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
  return dow === 0 || dow === 6;
};
/** Public holidays are not modelled: Monday to Friday are business days. */
function onOrBefore(date: string): string {
  while (isWeekend(date)) date = addDays(date, -1);
  return date;
}
function onOrAfter(date: string): string {
  while (isWeekend(date)) date = addDays(date, 1);
  return date;
}

/** The instant of a wall-clock time (minutes after midnight) on a business date in the cooperative's time zone. */
function zonedAt(date: string, minutes: number, timeZone: string): Date {
  const [year, month, day] = date.split('-').map(Number);
  return zonedInstant({ year, month, day, hour: Math.floor(minutes / 60), minute: minutes % 60, second: 0 }, timeZone);
}

// ---------------------------------------------------------------------------------------------
// The cooperative's people, borrowers and loans, as the demo plans them

const MIN_STAFF_PER_BRANCH = 9;
const ADMIN = 'admin';
const CNY = 100;
/** A branch approver's authority, the deputy head's, and the branch head's (who approves the large loans). */
const REGULAR_LIMIT = 200_000 * CNY;
const DEPUTY_LIMIT = 500_000 * CNY;
const SENIOR_LIMIT = 800_000 * CNY;
/** Above every approver's authority a loan goes to the branch's credit committee: three sit, two carry it. */
const COMMITTEE = { size: 3, majority: 2 };

const SURNAMES = [
  'Wang',
  'Li',
  'Zhang',
  'Liu',
  'Chen',
  'Yang',
  'Zhao',
  'Huang',
  'Zhou',
  'Wu',
  'Xu',
  'Sun',
  'Hu',
  'Zhu',
  'Gao',
  'Lin',
  'He',
  'Guo',
  'Ma',
  'Luo',
];
const GIVEN = [
  'Jianguo',
  'Xiuying',
  'Guiying',
  'Yong',
  'Jun',
  'Li',
  'Min',
  'Jing',
  'Hua',
  'Qiang',
  'Lei',
  'Yan',
  'Fang',
  'Tao',
  'Ming',
  'Chao',
  'Hong',
  'Xia',
  'Ping',
  'Gang',
  'Hui',
  'Bin',
  'Na',
  'Dan',
];
const BRANCH_TOWNS = ['Dongshan', 'Xihe', 'Nanping', 'Beiling', 'Qingshui', 'Huangtu', 'Baiyang', 'Liuzhuang', 'Shima', 'Hongqiao'];
const VILLAGES = [
  'Shangzhuang', 'Xiaowan', 'Hetou', 'Liujia', 'Majiapu', 'Qianjin', 'Hongxing', 'Shuangmiao', 'Gaoqiao', 'Wangjiazhuang', 'Zhaotun',
  'Yangliu', 'Daping', 'Shiqiao', 'Taohua', 'Lijiagou', 'Xinzhuang', 'Houying', 'Nanwa', 'Beidian', 'Sanhe', 'Qingyun', 'Zhangcun', 'Dongying',
]; // prettier-ignore

type Sector = 'grain' | 'livestock' | 'aquaculture' | 'orchards' | 'vegetables' | 'agri-processing' | 'retail' | 'transport';
const PURPOSES: Record<Sector, string[]> = {
  grain: [
    'seed, fertiliser and machinery hire for the spring sowing',
    'a second-hand combine harvester',
    'lease of 30 mu of additional farmland',
  ],
  livestock: ['buy 40 breeding sows', 'expand the cattle shed and buy winter feed', 'vaccines and feed for 5,000 broilers'],
  aquaculture: ['dig two new fish ponds and stock fry', 'aerators and feed for the crab ponds'],
  orchards: ['replant 20 mu with new apple varieties', 'hail nets and drip irrigation for the orchard'],
  vegetables: ['build two plastic greenhouses', 'seedlings and drip irrigation for the vegetable plots'],
  'agri-processing': ['a rice husking line', 'cold storage for the fruit harvest', 'working capital to buy the autumn harvest'],
  retail: ['restock the village shop before Spring Festival', 'open a farm supply store'],
  transport: ['buy a light truck for produce haulage', 'repair and re-licence the haulage fleet'],
};
const NON_AGRICULTURAL_HOUSEHOLD_PURPOSES = ['repair the family house', "children's university tuition", 'a wedding in the family'];
const AGRICULTURAL: Record<Sector, number> = {
  grain: 1,
  livestock: 1,
  aquaculture: 1,
  orchards: 1,
  vegetables: 1,
  'agri-processing': 0.5,
  retail: 0,
  transport: 0,
};
const RISK_POINTS: Record<Security, string[]> = {
  credit: ['purpose-unverified', 'income-overstated'],
  guaranteed: ['guarantor-over-committed', 'purpose-unverified'],
  mortgage: ['collateral-overvalued', 'title-incomplete'],
  pledge: ['pledge-not-in-custody'],
};

/** Every code any act of the demo tags, where in a loan's life it is found, and what it means. */
const RISK_POINT_CATALOGUE: RiskPoint[] = [
  { code: 'purpose-unverified', stage: 'investigation', description: 'the stated purpose could not be checked on site or with the village committee' },
  { code: 'income-overstated', stage: 'investigation', description: 'declared income above what the books, sales receipts or the village committee support' },
  { code: 'repayment-capacity-insufficient', stage: 'investigation', description: 'income does not cover the instalments with a margin, or debts elsewhere take it' },
  { code: 'guarantor-over-committed', stage: 'investigation', description: 'the guarantor already vouches for other loans beyond their means' },
  { code: 'collateral-overvalued', stage: 'examination', description: 'the appraised value of the collateral is above what it would fetch in a sale' },
  { code: 'title-incomplete', stage: 'examination', description: 'the land-use or property title of the mortgage is incomplete or not registered' },
  { code: 'pledge-not-in-custody', stage: 'examination', description: "the pledged goods or documents are not in the cooperative's custody" },
  { code: 'large-exposure', stage: 'approval', description: "a single loan above every approver's authority, decided by the credit committee" },
  { code: 'repayment-source-impaired', stage: 'post_loan', description: 'the source of repayment is lost or impaired: stock sold off, crop failed, business closed' },
]; // prettier-ignore

/**
 * The cooperative's scorecard: a factor for each of the five dimensions, measured by the
 * investigator from the household's books, the village committee and the credit reference report;
 * its grades bound what may be lent to whom, for how long and at what rate.
 */
const SCORECARD: Scorecard = {
  factors: [
    { code: 'debt_ratio', dimension: 'financial_situation', description: 'liabilities as a percent of assets; lower is better', weight: 20,
      bands: [{ from: 0, points: 100 }, { from: 30, points: 80 }, { from: 50, points: 50 }, { from: 70, points: 20 }, { from: 90, points: 0 }] },
    { code: 'income_cover', dimension: 'repayment_ability', description: 'yearly net income as a percent of the yearly instalments', weight: 30,
      bands: [{ from: 0, points: 0 }, { from: 100, points: 30 }, { from: 130, points: 60 }, { from: 170, points: 85 }, { from: 220, points: 100 }] },
    { code: 'village_standing', dimension: 'repayment_willingness', description: "the village committee's standing of the borrower, 0 to 10", weight: 15,
      bands: [{ from: 0, points: 0 }, { from: 4, points: 40 }, { from: 6, points: 70 }, { from: 8, points: 100 }] },
    { code: 'late_months', dimension: 'credit_history', description: 'months with a payment overdue in the past five years (credit reference report)', weight: 20,
      bands: [{ from: 0, points: 100 }, { from: 1, points: 70 }, { from: 3, points: 40 }, { from: 6, points: 10 }] },
    { code: 'loans_repaid', dimension: 'past_performance', description: 'loans repaid in full at this cooperative', weight: 15,
      bands: [{ from: 0, points: 40 }, { from: 1, points: 70 }, { from: 3, points: 100 }] },
  ],
  grades: [
    { grade: 'AAA', minScore: 90, maxAmount: 1_000_000 * CNY, maxTermMonths: 60, minRateBps: 435, maxRateBps: 900 },
    { grade: 'AA', minScore: 80, maxAmount: 800_000 * CNY, maxTermMonths: 60, minRateBps: 435, maxRateBps: 1_000 },
    { grade: 'A', minScore: 70, maxAmount: 300_000 * CNY, maxTermMonths: 48, minRateBps: 480, maxRateBps: 1_080 },
    { grade: 'B', minScore: 60, maxAmount: 100_000 * CNY, maxTermMonths: 36, minRateBps: 550, maxRateBps: 1_200 },
    { grade: 'C', minScore: 0, maxAmount: 30_000 * CNY, maxTermMonths: 24, minRateBps: 700, maxRateBps: 1_300 },
  ],
}; // prettier-ignore
/** Licensed appraisal firms the cooperative sends collateral to: never the officer who takes it, never the borrower. */
const APPRAISERS = ['APR-Huaxin', 'APR-Zhongcheng', 'APR-Dadi'];
const clamp = (n: number, min: number, max: number) => Math.min(max, Math.max(min, n));
const yuan = (cents: number) => `CNY ${(cents / CNY).toLocaleString('en-US')}`;

interface Person {
  id: string;
  name: string;
  homeBranch: string;
  post: { post: Post; branchId: string; limit?: number } | null;
  relations: Set<string>;
}

interface Borrower {
  id: string;
  name: string;
  kind: 'household' | 'business';
  /** Made up from the borrower's place in the plan: valid, and the same for the same seed. */
  identityNumber: string;
  village: string;
  sector: Sector;
  branchId: string;
  /** Business day of the first loan application: the borrower is registered then. */
  firstDay: number;
  /** A staff member who declares a relation to this borrower on that day. */
  relative: { relation: Relation; declared: boolean; by: string | null; attempted: boolean } | null;
}

type Fate = 'decline' | 'exam_reject' | 'approval_reject' | 'ok';
type Behaviour = 'on_time' | 'late' | 'default' | 'early';
type Step = 'apply' | 'investigate' | 'examine' | 'approve' | 'disburse';
type LocalStatus = 'planned' | 'applied' | 'investigated' | 'examined' | 'approved' | 'rejected' | 'active' | 'closed' | 'written_off';
/** What officers do on a later day about a loan at risk, or for a borrower who asks. */
type Action = 'guarantee' | 'extend' | 'recovery-review' | 'write-off';

interface DemoLoan {
  id: string;
  n: number;
  rng: Rng;
  branchId: string;
  borrower: Borrower;
  applyDay: number;
  purpose: string;
  sector: Sector;
  agricultural: boolean;
  security: Security;
  amount: number;
  termMonths: number;
  repayment: RepaymentMethod;
  rateBps: number;
  fate: Fate;
  returnFirst: boolean;
  behaviour: Behaviour;
  inspection: 'regular' | 'lapsed' | 'never';
  selfApprove: boolean;
  approverDisburses: boolean;
  watchList: boolean;
  downgrade: boolean;
  /** Above every single approver's authority: the credit committee decides. */
  large: boolean;
  /** What the officers do about the trouble a defaulting or watched loan shows. */
  response: 'recovery' | 'guarantee' | null;
  /** After an unanswered demand for early recovery, the loss is written off. */
  writeOff: boolean;
  /** The borrower asks for more time before maturity; another approver grants it. */
  extend: boolean;
  /** How many instalments a defaulting borrower pays before stopping; null: as it falls. */
  paysFirst: number | null;
  // as the demo walks
  status: LocalStatus;
  next: { day: number; step: Step } | null;
  deferrals: number;
  officer: string;
  actors: Record<Post, Set<string>>;
  proposed: number;
  troubledInspectionOn: string | null;
  /** The investigator's measured value of each scorecard factor; a file sent back keeps them. */
  rating: Record<string, number> | null;
  /** No credit committee could sit on it: the file comes back within the branch head's authority. */
  withinAuthority: boolean;
  /** How long the extension the borrower asks for is, once the approved term is known. */
  extensionMonths: number;
}

/**
 * A payment the borrower makes: what is due that day (penalties included when late), or the whole
 * loan off; `paidOn` when the money came in earlier than the teller records it (a due date on a weekend).
 */
interface Payment {
  kind: 'due' | 'payoff';
  paidOn?: string;
}

interface DatedWork {
  payments: Map<DemoLoan, Payment>;
  inspections: Set<DemoLoan>;
  actions: Map<DemoLoan, Action[]>;
  /** Written-off loans on which some money comes in. */
  recoveries: Set<DemoLoan>;
}

class DemoFailure extends Error {}

// ---------------------------------------------------------------------------------------------

export async function buildDemo(options: DemoOptions, log: (line: string) => void): Promise<DemoSummary> {
  const began = Date.now();
  const env = options.env ?? process.env;
  const concurrency = options.concurrency ?? 16;
  if (options.staff < options.branches * MIN_STAFF_PER_BRANCH)
    throw new Error(`${options.branches} branches need at least ${options.branches * MIN_STAFF_PER_BRANCH} staff`);
  const db = resolve(options.db);
  const config: LoanflowConfig = {
    ...loadConfig({ ...env, EVENT_STORE: 'sqlite', SQLITE_PATH: db, KAFKA_BROKERS: '' }),
    eventStore: 'sqlite',
    sqlitePath: db,
    kafka: undefined,
  };
  await prepareFile(config, options.force);

  // ---- the plan: calendar, branches, staff, borrowers and loans --------------------------------
  // The calendar runs up to yesterday at the latest: the app's days are closed after they end, and today is not over.
  const today = businessDate(systemClock(), config.businessTimeZone);
  const start = options.start ?? addMonths(today, -options.months);
  const end = [addMonths(start, options.months), today].sort()[0];
  const days: string[] = [];
  for (let d = start; d < end; d = addDays(d, 1)) if (!isWeekend(d)) days.push(d);
  if (days.length < 2) throw new Error('demo: the period holds fewer than two business days');
  const dayIndex = new Map(days.map((d, i) => [d, i]));
  const branches = Array.from({ length: options.branches }, (_, i) => `BR-${String(i + 1).padStart(2, '0')}`);

  const staffRng = subRng(options.seed, 1);
  const people: Person[] = [];
  // With ten or more a branch has a deputy head too, so its credit committee of three can sit.
  const roles: [Post, number?][] = [
    ['approval', SENIOR_LIMIT],
    ['approval', REGULAR_LIMIT],
    ['investigation'],
    ['investigation'],
    ['approval', DEPUTY_LIMIT],
    ['examination'],
    ['examination'],
    ['disbursement'],
    ['disbursement'],
    ['inspection'],
  ];
  const extras: Post[] = ['investigation', 'disbursement', 'inspection', 'examination'];
  const perBranch = Array.from(
    { length: options.branches },
    (_, b) => Math.floor(options.staff / options.branches) + (b < options.staff % options.branches ? 1 : 0),
  );
  const usedNames = new Set<string>();
  branches.forEach((branchId, b) => {
    for (let k = 0; k < perBranch[b]; k++) {
      // The minimum crew first (no deputy head when staff is short), then extras in turn.
      const base = perBranch[b] >= roles.length ? roles : roles.filter((_, i) => i !== 4);
      const [post, limit] = k < base.length ? base[k] : [extras[(k - base.length) % extras.length]];
      let name: string;
      do name = `${pick(staffRng, SURNAMES)} ${pick(staffRng, GIVEN)}`;
      while (usedNames.has(name) && usedNames.size < SURNAMES.length * GIVEN.length);
      usedNames.add(name);
      people.push({
        id: `S-${String(b + 1).padStart(2, '0')}${String(k + 1).padStart(2, '0')}`,
        name,
        homeBranch: branchId,
        post: { post, branchId, ...(limit !== undefined ? { limit } : {}) },
        relations: new Set(),
      });
    }
  });
  const seniors = new Set(people.filter((p) => p.post?.limit === SENIOR_LIMIT).map((p) => p.id));

  // Applications spread over the business days, busier in the sowing and harvest seasons.
  const planRng = subRng(options.seed, 2);
  const seasonal = (date: string) => {
    const month = Number(date.slice(5, 7));
    return 1 + ([2, 3, 4].includes(month) ? 0.6 : 0) + ([9, 10].includes(month) ? 0.3 : 0);
  };
  const dayWeights = days.map((d, i): [number, number] => [i, i === 0 ? 0 : seasonal(d)]);
  const branchWeights = branches.map((b, i): [string, number] => [b, i === 0 ? 1.5 : 1]);
  const applyDays = Array.from({ length: options.loans }, () => weighted(planRng, dayWeights)).sort((a, b) => a - b);
  const borrowers: Borrower[] = [];
  const borrowersOf = new Map<string, Borrower[]>(branches.map((b) => [b, []]));
  // Each branch serves its market town and five villages around it.
  const villagesOf = new Map(
    branches.map((b, i) => [
      b,
      [BRANCH_TOWNS[i % BRANCH_TOWNS.length], ...Array.from({ length: 5 }, (_, k) => VILLAGES[(i * 5 + k) % VILLAGES.length])],
    ]),
  );
  const loans: DemoLoan[] = applyDays.map((applyDay, i) => {
    const rng = subRng(options.seed, 3, i);
    const branchId = weighted(rng, branchWeights);
    const earlier = borrowersOf.get(branchId)!.filter((x) => x.firstDay < applyDay);
    let borrower: Borrower;
    if (earlier.length > 0 && rng() < 0.18) borrower = pick(rng, earlier);
    else {
      const kind = rng() < 0.72 ? 'household' : 'business';
      const sector: Sector =
        kind === 'household'
          ? weighted(rng, [
              ['grain', 4],
              ['livestock', 3],
              ['orchards', 2],
              ['vegetables', 2],
              ['aquaculture', 1],
              ['retail', 1],
              ['transport', 1],
            ] as const)
          : weighted(rng, [
              ['agri-processing', 3],
              ['retail', 2],
              ['transport', 2],
              ['livestock', 1],
              ['aquaculture', 1],
              ['grain', 1],
            ] as const);
      const village = pick(rng, villagesOf.get(branchId)!);
      const surname = pick(rng, SURNAMES);
      const businessName: Record<Sector, string> = {
        grain: `${village} grain growers co-operative`,
        livestock: `${surname} family pig farm`,
        aquaculture: `${village} fish ponds`,
        orchards: `${surname} apple orchard`,
        vegetables: `${village} greenhouse vegetables`,
        'agri-processing': `${village} ${pick(rng, ['rice mill', 'feed mill', 'fruit cold store', 'oil press'])}`,
        retail: `${surname}'s farm supply store`,
        transport: `${surname} freight haulage`,
      };
      const seq = borrowersOf.get(branchId)!.length + 1;
      borrower = {
        id: `B-${branchId.slice(3)}-${String(seq).padStart(4, '0')}`,
        name: kind === 'household' ? `${surname} ${pick(rng, GIVEN)} household` : businessName[sector],
        kind,
        identityNumber: identityNumberFor(kind, borrowers.length + 1),
        village,
        sector,
        branchId,
        firstDay: applyDay,
        relative:
          rng() < 0.005
            ? {
                relation: pick(rng, ['spouse', 'sibling', 'relative', 'business_partner'] as const),
                declared: false,
                by: null,
                attempted: false,
              }
            : null,
      };
      borrowers.push(borrower);
      borrowersOf.get(branchId)!.push(borrower);
    }
    const sector = borrower.sector;
    const agricultural = borrower.kind === 'household' && rng() < 0.1 ? false : rng() < AGRICULTURAL[sector];
    const purpose =
      agricultural || AGRICULTURAL[sector] === 0
        ? pick(rng, PURPOSES[sector])
        : pick(rng, borrower.kind === 'household' ? NON_AGRICULTURAL_HOUSEHOLD_PURPOSES : PURPOSES[sector]);
    const [lo, hi] = borrower.kind === 'household' ? [5_000, 200_000] : [50_000, 800_000];
    const amountCny = Math.max(lo, Math.round(Math.exp(Math.log(lo) + rng() * rng() * (Math.log(hi) - Math.log(lo))) / 1000) * 1000);
    // A few established firms ask for more than any one approver may grant: the credit committee decides.
    const large = borrower.kind === 'business' && rng() < 0.02;
    const amount = large ? between(rng, 85, 99) * 10_000 * CNY : Math.min(hi, amountCny) * CNY;
    const security: Security =
      amount <= 100_000 * CNY
        ? weighted(rng, [
            ['credit', 45],
            ['guaranteed', 35],
            ['mortgage', 12],
            ['pledge', 8],
          ] as const)
        : weighted(rng, [
            ['credit', 8],
            ['guaranteed', 37],
            ['mortgage', 40],
            ['pledge', 15],
          ] as const);
    const termMonths = weighted(rng, [
      [6, 12],
      [12, 34],
      [18, 8],
      [24, 20],
      [36, 14],
      [48, 5],
      [60, 7],
    ] as const);
    const repayment: RepaymentMethod =
      termMonths <= 12
        ? weighted(rng, [
            ['bullet', 50],
            ['equal_principal', 25],
            ['annuity', 25],
          ] as const)
        : weighted(rng, [
            ['bullet', 10],
            ['equal_principal', 45],
            ['annuity', 45],
          ] as const);
    const [rlo, rhi] = { credit: [720, 1080], guaranteed: [600, 900], mortgage: [480, 700], pledge: [435, 600] }[security];
    const r = rng();
    const fate: Fate = r < 0.03 ? 'decline' : r < 0.06 ? 'exam_reject' : r < 0.09 ? 'approval_reject' : 'ok';
    // Defaults among the loans of the first half or so, so they can turn non-performing in the period.
    const early = applyDay < days.length * 0.55;
    const b = rng();
    const behaviour: Behaviour =
      early && b < 0.04 / 0.55 ? 'default' : b < 0.17 ? 'late' : b < 0.22 && termMonths >= 12 ? 'early' : 'on_time';
    return {
      id: `L-${String(i + 1).padStart(5, '0')}`,
      n: i,
      rng,
      branchId,
      borrower,
      applyDay,
      purpose,
      sector,
      agricultural,
      security,
      amount,
      termMonths,
      repayment,
      rateBps: Math.round(between(rng, rlo, rhi) / 5) * 5,
      fate,
      returnFirst: fate !== 'decline' && rng() < 0.06,
      behaviour,
      inspection: weighted(rng, [
        ['regular', 80],
        ['lapsed', 12],
        ['never', 8],
      ] as const),
      selfApprove: rng() < 0.004,
      approverDisburses: rng() < 0.004,
      watchList: behaviour === 'on_time' && rng() < 0.015,
      downgrade: behaviour === 'default' && rng() < 0.6,
      large,
      response: null,
      writeOff: false,
      extend: false,
      paysFirst: null,
      status: 'planned',
      next: { day: applyDay, step: 'apply' },
      deferrals: 0,
      officer: '',
      actors: { investigation: new Set(), examination: new Set(), approval: new Set(), disbursement: new Set(), inspection: new Set() },
      proposed: amount,
      troubledInspectionOn: null,
      rating: null,
      withinAuthority: false,
      extensionMonths: 0,
    };
  });
  // However small the demo, it shows each kind of trouble at least once.
  const firstOk = loans.filter((l) => l.fate === 'ok');
  // Two defaults early in the period (one to write off, one left non-performing), on amounts no grade declines.
  const earlyOn = (l: DemoLoan) => l.applyDay < days.length * 0.25;
  const mayDefault = firstOk.filter((l) => earlyOn(l) && l.amount <= 75_000 * CNY && l.behaviour !== 'default');
  for (let n = firstOk.filter((l) => earlyOn(l) && l.behaviour === 'default').length; n < 2 && mayDefault.length > 0; n++)
    Object.assign(mayDefault.shift()!, { behaviour: 'default', paysFirst: 0 });
  if (firstOk.length > 1 && !loans.some((l) => l.selfApprove)) firstOk[1].selfApprove = true;
  if (firstOk.length > 2 && !loans.some((l) => l.approverDisburses)) firstOk[2].approverDisburses = true;
  if (borrowers.length > 0 && !borrowers.some((x) => x.relative))
    borrowers[borrowers.length >> 1].relative = { relation: 'sibling', declared: false, by: null, attempted: false };
  for (const l of loans) if (l.behaviour === 'default' && !loans.some((x) => x.downgrade)) l.downgrade = true;
  const largeOk = (l: DemoLoan) => l.large && l.fate === 'ok' && l.behaviour !== 'default';
  const forLarge = loans.find(
    (l) => l.fate === 'ok' && l.behaviour !== 'default' && l.borrower.kind === 'business' && l.applyDay < days.length - 15,
  );
  if (!loans.some(largeOk) && forLarge)
    Object.assign(forLarge, { large: true, amount: 900_000 * CNY, proposed: 900_000 * CNY, security: 'mortgage' });
  // What is done about trouble, decided once the behaviours are settled.
  for (const l of loans) {
    if (l.behaviour === 'default') {
      const r = l.rng();
      l.response = r < 0.55 ? 'recovery' : r < 0.8 ? 'guarantee' : null;
      l.writeOff = l.response === 'recovery' && l.rng() < 0.3;
    } else if (l.watchList) l.response = l.rng() < 0.6 ? 'guarantee' : null;
    l.extend = l.fate === 'ok' && l.behaviour === 'on_time' && !l.large && l.rng() < 0.03;
  }
  const defaulting = loans.filter((l) => l.fate === 'ok' && l.behaviour === 'default' && earlyOn(l));
  if (defaulting.length > 1) {
    if (!defaulting.some((l) => l.writeOff)) Object.assign(defaulting[0], { response: 'recovery', writeOff: true });
    if (defaulting.every((l) => l.writeOff)) defaulting[defaulting.length - 1].writeOff = false;
    if (!loans.some((l) => l.response === 'guarantee' && l.fate === 'ok')) defaulting.find((l) => !l.writeOff)!.response = 'guarantee';
  }
  const kept = defaulting.find((l) => !l.writeOff);
  if (kept && !defaulting.some((l) => l.downgrade && !l.writeOff)) kept.downgrade = true;
  // One whose maturity the period reaches, if any does.
  const forExtension = loans.find(
    (l) => l.fate === 'ok' && l.behaviour === 'on_time' && !l.large && l.applyDay + 12 + l.termMonths * 22 < days.length,
  );
  if (!loans.some((l) => l.extend) && forExtension) forExtension.extend = true;

  const pipeline = new Map<number, DemoLoan[]>();
  const schedule = (loan: DemoLoan, day: number, step: Step) => {
    loan.next = { day, step };
    if (day < days.length) (pipeline.get(day) ?? pipeline.set(day, []).get(day)!).push(loan);
  };
  for (const l of loans) schedule(l, l.applyDay, 'apply');
  const dated = new Map<string, DatedWork>();
  const work = (date: string) =>
    dated.get(date) ??
    dated.set(date, { payments: new Map(), inspections: new Set(), actions: new Map(), recoveries: new Set() }).get(date)!;
  /** An action on the loan on a later business day (or on `date`, when that is a business day). */
  const later = (loan: DemoLoan, date: string, action: Action) => {
    const w = work(onOrAfter(date)).actions;
    w.set(loan, [...(w.get(loan) ?? []), action]);
  };

  // ---- the app, its clock and an HTTP client -----------------------------------------------------
  let now = zonedAt(days[0], 7 * 60, config.businessTimeZone);
  const app: INestApplication = await createApp(config, { clock: () => now, logger: false });
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const store = app.get<EventStore>(EVENT_STORE);
  const audit = app.get<AccessAuditLog>(ACCESS_AUDIT);
  const endOfDay = app.get(EndOfDayService);
  const projections = app.get(ProjectionService);
  const jwt = new JwtService();
  const tokens = new Map<string, string>();
  const token = (id: string) => {
    let t = tokens.get(id);
    if (!t) {
      t = jwt.sign(
        { sub: id, ...(id === ADMIN ? { admin: true } : {}) },
        {
          secret: config.jwtSecret,
          algorithm: 'HS256',
          expiresIn: 12 * 3600,
          ...(config.jwtIssuer ? { issuer: config.jwtIssuer } : {}),
          ...(config.jwtAudience ? { audience: config.jwtAudience } : {}),
        },
      );
      tokens.set(id, t);
    }
    return t;
  };
  const registered = new Set<string>();
  let requests = 0;
  let expectedConflicts = 0;
  const intendedRefusals: string[] = [];

  /**
   * One request through the real routes. Anything but the expected status aborts the demo with
   * the problem the api answered; keys make command and correlation ids deterministic.
   */
  const call = async (
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    as: string,
    body?: unknown,
    key?: string,
    expect?: number,
    why?: string,
  ) => {
    const expected = expect ?? (method === 'POST' ? 201 : 200);
    const headers: Record<string, string> = { authorization: `Bearer ${token(as)}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (key !== undefined) {
      headers['idempotency-key'] = key;
      headers['x-correlation-id'] = key;
    }
    requests++;
    const response = await fetch(base + path, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await response.text();
    if (response.status !== expected)
      throw new DemoFailure(
        `${method} ${path} as ${as} on ${businessDate(now, config.businessTimeZone)} answered ${response.status}, expected ${expected}` +
          `${why ? ` (${why})` : ''}${body !== undefined ? `\n  request: ${JSON.stringify(body)}` : ''}\n  answer: ${text}`,
      );
    const answer = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (expected === 403) intendedRefusals.push(String(answer.code));
    if (expected === 409) expectedConflicts++;
    return answer;
  };
  /** Moves the clock to a time of the business day (minutes after midnight); never backwards. */
  const setClock = (date: string, minutes: number) => {
    const at = zonedAt(date, Math.min(minutes, 23 * 60 + 59), config.businessTimeZone);
    now = at > now ? at : new Date(now.getTime() + 1000);
  };
  /**
   * Runs the tasks in waves of `concurrency`, the clock a minute further each wave, from `from`.
   * `settle` lets the system's reactions to a wave (a rating put on the borrower's file) happen
   * before the clock moves, so they carry the same time whenever the live loop gets to them.
   */
  const phase = async (date: string, from: number, tasks: (() => Promise<unknown>)[], settle = false) => {
    for (let i = 0, wave = 0; i < tasks.length; i += concurrency, wave++) {
      setClock(date, from + wave);
      await Promise.all(tasks.slice(i, i + concurrency).map((t) => t()));
      if (settle) await projections.ready();
    }
  };

  // ---- who may act: the demo keeps to the policy, except where it means to be refused ------------
  const holders = (post: Post, branchId: string) => people.filter((p) => p.post?.post === post && p.post.branchId === branchId);
  const related = (p: Person, loan: DemoLoan) => p.relations.has(loan.borrower.id);
  const eligible = (post: Post, loan: DemoLoan, amount = 0): Person[] =>
    holders(post, loan.branchId).filter((p) => {
      if (related(p, loan)) return false;
      const a = loan.actors;
      switch (post) {
        case 'investigation':
          return !a.examination.has(p.id) && !a.approval.has(p.id);
        case 'examination':
          return !a.investigation.has(p.id) && !a.approval.has(p.id);
        case 'approval':
          return !a.investigation.has(p.id) && !a.examination.has(p.id) && (p.post!.limit ?? 0) >= amount;
        case 'disbursement':
          return !a.approval.has(p.id);
        default:
          return true;
      }
    });
  const person = (id: string) => people.find((p) => p.id === id)!;
  /** Approvers who held none of the three powers on the loan nor paid it out: who extend it or write it off. */
  const independent = (loan: DemoLoan): Person[] =>
    holders('approval', loan.branchId).filter(
      (p) =>
        !related(p, loan) &&
        !(['investigation', 'examination', 'approval', 'disbursement'] as const).some((post) => loan.actors[post].has(p.id)),
    );
  const loanNow = async (loan: DemoLoan, as: string) => (await call('GET', `/loans/${loan.id}`, as)) as unknown as Loan;
  const flagged = (state: Loan) =>
    openSignals(state)
      .filter((x) => x.rule === 'inspection_flagged')
      .map((x) => x.signalId);

  const terms = (loan: DemoLoan) => ({ amount: loan.proposed, termMonths: loan.termMonths, annualRateBps: loan.rateBps });
  const nextDay = (loan: DemoLoan, today: number, min: number, max: number) => today + between(loan.rng, min, max);

  const admin = {
    register: (p: Person, key: string) => call('POST', '/staff', ADMIN, { staffId: p.id, name: p.name, branchId: p.homeBranch }, key),
    assign: (p: Person, post: Post, branchId: string, key: string, limit?: number) =>
      call('POST', `/staff/${p.id}/posts`, ADMIN, { post, branchId, ...(limit !== undefined ? { approvalLimit: limit } : {}) }, key).then(
        () => {
          p.post = { post, branchId, ...(limit !== undefined ? { limit } : {}) };
        },
      ),
    revoke: (p: Person, key: string) =>
      call('DELETE', `/staff/${p.id}/posts/${p.post!.post}`, ADMIN, undefined, key).then(() => {
        p.post = null;
      }),
  };

  // ---- one loan step at a time ------------------------------------------------------------------
  const defer = (loan: DemoLoan, d: number, step: Step) => {
    if (++loan.deferrals > 20)
      throw new DemoFailure(`loan ${loan.id}: nobody at ${loan.branchId} may ${step} it (the demo's staffing is wrong)`);
    schedule(loan, d + 1, step);
  };

  const applyTask = (loan: DemoLoan, date: string, d: number) => async () => {
    const officer = pick(
      loan.rng,
      holders('investigation', loan.branchId).filter((p) => !related(p, loan)),
    );
    if (!officer) return defer(loan, d, 'apply');
    const b = loan.borrower;
    if (!registered.has(b.id)) {
      registered.add(b.id);
      await call(
        'POST',
        '/borrowers',
        officer.id,
        { borrowerId: b.id, name: b.name, kind: b.kind, village: b.village, sector: b.sector, identityNumber: b.identityNumber },
        `${date}.register.${b.id}`,
      );
    }
    await call(
      'POST',
      '/loans',
      officer.id,
      {
        loanId: loan.id,
        borrowerId: b.id,
        branchId: loan.branchId,
        purpose: loan.purpose,
        sector: loan.sector,
        agricultural: loan.agricultural,
        security: loan.security,
        amount: loan.amount,
        termMonths: loan.termMonths,
        repayment: loan.repayment,
      },
      `${date}.apply.${loan.id}`,
    );
    loan.officer = officer.id;
    loan.actors.investigation.add(officer.id);
    loan.status = 'applied';
    schedule(loan, nextDay(loan, d, 1, 3), 'investigate');
  };

  /**
   * What the investigator measures of the borrower: as sound as the borrower will turn out to be,
   * give or take. Measured once; a file sent back keeps its values.
   */
  const measure = (loan: DemoLoan): Record<string, number> => {
    if (loan.rating) return loan.rating;
    const rng = loan.rng;
    const q =
      loan.large && loan.behaviour !== 'default'
        ? 0.95 + 0.05 * rng()
        : loan.fate === 'decline'
          ? 0.05 + 0.35 * rng()
          : loan.behaviour === 'default'
            ? 0.25 + 0.45 * rng()
            : loan.behaviour === 'late'
              ? 0.35 + 0.4 * rng()
              : 0.5 + 0.35 * rng();
    const noise = () => rng() - 0.5;
    const repaidHere = loans.filter((l) => l.borrower === loan.borrower && l.status === 'closed').length;
    loan.rating = {
      debt_ratio: clamp(Math.round(80 - 65 * q + 20 * noise()), 5, 120),
      income_cover: clamp(Math.round(70 + 190 * q + 40 * noise()), 30, 400),
      village_standing: clamp(Math.round(2 + 8 * q + 2 * noise()), 0, 10),
      late_months: Math.max(0, Math.round((1 - q) * 12 * rng() - 1.5)),
      loans_repaid: (loan.large ? 1 + Math.floor(3 * rng()) : Math.floor(3 * q * rng())) + repaidHere,
    };
    return loan.rating;
  };

  const investigateTask = (loan: DemoLoan, date: string, d: number) => async () => {
    const candidates = eligible('investigation', loan);
    const by = candidates.find((p) => p.id === loan.officer) ?? pick(loan.rng, candidates);
    if (!by) return defer(loan, d, 'investigate');
    const key = `${date}.investigate.${loan.id}`;
    loan.actors.investigation.add(by.id);
    const values = measure(loan);
    const { grade, score, bounds } = rateBorrower(SCORECARD, 1, values);
    const rated = `rated ${grade} (score ${score})`;
    // A grade that allows less than two fifths of what is asked for: the investigator recommends declining.
    if (loan.fate === 'decline' || bounds.maxAmount * 2.5 < loan.amount) {
      await call(
        'POST',
        `/loans/${loan.id}/investigation`,
        by.id,
        {
          recommendation: 'decline',
          findings:
            loan.fate === 'decline'
              ? `${pick(loan.rng, [
                  'household income does not cover the instalments; recommend decline',
                  'existing debts at two other lenders; repayment capacity insufficient',
                  'the stated purpose could not be verified with the village committee',
                ])}; ${rated}`
              : `${rated}: at most ${yuan(bounds.maxAmount)}, far below the ${yuan(loan.amount)} applied for; recommend decline`,
          riskPoints: ['repayment-capacity-insufficient'],
          rating: values,
        },
        key,
      );
      loan.status = 'rejected';
      loan.next = null;
      return;
    }
    if (loan.proposed === loan.amount && loan.rng() < 0.15)
      loan.proposed = Math.max(5_000 * CNY, Math.round((loan.amount * (0.7 + 0.2 * loan.rng())) / (1000 * CNY)) * 1000 * CNY);
    // The grade bounds the proposal: no more than it allows, no longer, at a rate within its band.
    const asked = terms(loan);
    loan.proposed = Math.min(loan.proposed, bounds.maxAmount);
    loan.termMonths = Math.min(loan.termMonths, bounds.maxTermMonths);
    loan.rateBps = clamp(loan.rateBps, bounds.minRateBps, bounds.maxRateBps);
    // Above the branch head's authority only where a credit committee can sit on it.
    if (loan.proposed > SENIOR_LIMIT && (loan.withinAuthority || eligible('approval', loan).length < COMMITTEE.size))
      loan.proposed = SENIOR_LIMIT;
    const fitted = loan.proposed < asked.amount || loan.termMonths < asked.termMonths ? '; proposed within what the grade allows' : '';
    const tagged = loan.rng() < (loan.behaviour === 'default' ? 0.5 : 0.08);
    await call(
      'POST',
      `/loans/${loan.id}/investigation`,
      by.id,
      {
        recommendation: 'approve',
        findings: `${loan.borrower.name}: ${pick(loan.rng, ['income verified with the village committee', 'site visit done; assets as declared', 'purpose and budget checked against quotes'])}; ${rated}${fitted}`,
        riskPoints: tagged ? [pick(loan.rng, RISK_POINTS[loan.security])] : [],
        proposedTerms: terms(loan),
        rating: values,
      },
      key,
    );
    loan.status = 'investigated';
    schedule(loan, nextDay(loan, d, 1, 2), 'examine');
  };

  const examineTask = (loan: DemoLoan, date: string, d: number) => async () => {
    const rel = loan.borrower.relative;
    if (rel?.by && !rel.attempted) {
      const relative = person(rel.by);
      if (relative.post?.post === 'examination' && relative.post.branchId === loan.branchId) {
        rel.attempted = true;
        await call(
          'POST',
          `/loans/${loan.id}/examination`,
          relative.id,
          { opinion: 'pass', comments: 'documents complete', riskPoints: [] },
          `${date}.attempt-examine.${loan.id}`,
          403,
          `${relative.id} examines a loan of their ${rel.relation}`,
        );
      }
    }
    const by = pick(loan.rng, eligible('examination', loan));
    if (!by) return defer(loan, d, 'examine');
    const key = `${date}.examine.${loan.id}`;
    loan.actors.examination.add(by.id);
    if (loan.returnFirst) {
      loan.returnFirst = false;
      await call(
        'POST',
        `/loans/${loan.id}/examination`,
        by.id,
        {
          opinion: 'return',
          comments: pick(loan.rng, [
            'guarantor income statement missing',
            'land contract copy unreadable; resubmit',
            'budget does not match the quotes attached',
          ]),
          riskPoints: [],
        },
        key,
      );
      loan.status = 'applied';
      schedule(loan, nextDay(loan, d, 2, 4), 'investigate');
      return;
    }
    if (loan.fate === 'exam_reject') {
      await call(
        'POST',
        `/loans/${loan.id}/examination`,
        by.id,
        {
          opinion: 'reject',
          comments: pick(loan.rng, ['collateral value does not cover the amount', 'guarantor already guarantees three loans']),
          riskPoints: [pick(loan.rng, RISK_POINTS[loan.security])],
        },
        key,
      );
      loan.status = 'rejected';
      loan.next = null;
      return;
    }
    // Above every approver's authority a committee must be able to sit; without one the file goes back.
    const approvers = eligible('approval', loan);
    if (!approvers.some((p) => (p.post!.limit ?? 0) >= loan.proposed) && approvers.length < COMMITTEE.size) {
      loan.withinAuthority = true;
      await call(
        'POST',
        `/loans/${loan.id}/examination`,
        by.id,
        {
          opinion: 'return',
          comments: `no credit committee of ${COMMITTEE.size} can sit on ${yuan(loan.proposed)} at ${loan.branchId}; resubmit within the branch head's authority`,
          riskPoints: [],
        },
        key,
      );
      loan.status = 'applied';
      schedule(loan, nextDay(loan, d, 1, 2), 'investigate');
      return;
    }
    await call(
      'POST',
      `/loans/${loan.id}/examination`,
      by.id,
      { opinion: 'pass', comments: 'file complete; terms within policy', riskPoints: [] },
      key,
    );
    loan.status = 'examined';
    schedule(loan, nextDay(loan, d, 1, 2), 'approve');
  };

  const approveTask = (loan: DemoLoan, date: string, d: number) => async () => {
    if (loan.selfApprove) {
      loan.selfApprove = false;
      await call(
        'POST',
        `/loans/${loan.id}/approval`,
        loan.officer,
        { decision: 'approve', terms: terms(loan), comments: 'approved' },
        `${date}.attempt-approve.${loan.id}`,
        403,
        `investigator ${loan.officer} approves their own loan`,
      );
    }
    const voters = eligible('approval', loan);
    const able = eligible('approval', loan, loan.proposed);
    if (able.length === 0 && voters.length >= COMMITTEE.majority) return committee(loan, voters, date);
    const below = voters.filter((p) => (p.post!.limit ?? 0) < loan.proposed);
    if (loan.proposed > REGULAR_LIMIT && below.length > 0 && able.length > 0 && loan.rng() < 0.12)
      await call(
        'POST',
        `/loans/${loan.id}/approval`,
        below[0].id,
        { decision: 'approve', terms: terms(loan), comments: 'approved' },
        `${date}.attempt-approve.${loan.id}`,
        403,
        `${below[0].id} approves above their authority`,
      );
    // The branch head takes the loans above the others' authority, and a share of the rest.
    const by = able.length > 1 && loan.rng() < 0.7 ? (able.find((p) => !seniors.has(p.id)) ?? able[0]) : pick(loan.rng, able);
    if (!by) return defer(loan, d, 'approve');
    const key = `${date}.approve.${loan.id}`;
    loan.actors.approval.add(by.id);
    if (loan.fate === 'approval_reject') {
      const reason = pick(loan.rng, [
        'exposure to the sector is at the branch limit this season',
        'rating too low for an unsecured loan of this size',
      ]);
      await call('POST', `/loans/${loan.id}/approval`, by.id, { decision: 'reject', comments: reason }, key);
      loan.status = 'rejected';
      loan.next = null;
      return;
    }
    await call(
      'POST',
      `/loans/${loan.id}/approval`,
      by.id,
      { decision: 'approve', terms: terms(loan), comments: 'within the branch credit plan' },
      key,
    );
    loan.status = 'approved';
    schedule(loan, nextDay(loan, d, 1, 3), 'disburse');
  };

  /**
   * Above every approver's authority: each eligible approver votes in turn until a majority carries
   * it either way. One may vote against and be outvoted.
   */
  const committee = async (loan: DemoLoan, voters: Person[], date: string) => {
    const rng = loan.rng;
    const order = [...voters];
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    const full = order.length >= COMMITTEE.size;
    const grade = `rated ${rateBorrower(SCORECARD, 1, measure(loan)).grade}`;
    const dissent = full && loan.fate === 'ok' && rng() < 0.3 ? 1 : -1;
    let approvals = 0;
    let rejections = 0;
    for (const [i, member] of order.entries()) {
      const approve = full && loan.fate === 'approval_reject' ? false : i !== dissent;
      loan.actors.approval.add(member.id);
      await call(
        'POST',
        `/loans/${loan.id}/approval`,
        member.id,
        approve
          ? {
              decision: 'approve',
              terms: terms(loan),
              comments: i === 0 ? `sound firm, ${grade}; the collateral covers the amount` : 'agree with the terms proposed',
              riskPoints: i === 0 ? ['large-exposure'] : [],
            }
          : {
              decision: 'reject',
              comments: pick(rng, ['exposure to one borrower too large for the branch', 'the sector is at its branch limit this season']),
            },
        `${date}.vote.${loan.id}.${member.id}`,
      );
      if (approve) approvals++;
      else rejections++;
      if (approvals >= COMMITTEE.majority) {
        loan.status = 'approved';
        schedule(loan, nextDay(loan, dayIndex.get(date)!, 1, 3), 'disburse');
        return;
      }
      if (rejections > COMMITTEE.size - COMMITTEE.majority) {
        loan.status = 'rejected';
        loan.next = null;
        return;
      }
    }
    throw new DemoFailure(`loan ${loan.id}: the committee at ${loan.branchId} reached no decision`);
  };

  const disburseTask = (loan: DemoLoan, date: string, d: number) => async () => {
    if (loan.approverDisburses) {
      loan.approverDisburses = false;
      const approver = [...loan.actors.approval][0];
      await call(
        'POST',
        `/loans/${loan.id}/disbursement`,
        approver,
        { amount: loan.proposed },
        `${date}.attempt-disburse.${loan.id}`,
        403,
        `approver ${approver} pays out what they approved`,
      );
    }
    const by = pick(loan.rng, eligible('disbursement', loan));
    if (!by) return defer(loan, d, 'disburse');
    loan.actors.disbursement.add(by.id);
    await call('POST', `/loans/${loan.id}/disbursement`, by.id, { amount: loan.proposed }, `${date}.disburse.${loan.id}`);
    loan.status = 'active';
    loan.next = null;
    const state = (await call('GET', `/loans/${loan.id}`, by.id)) as unknown as Loan;
    planRepayments(loan, state, date);
  };

  /**
   * Payments and inspections from the schedule the api computed, as the borrower's habits make them:
   * on time (on the due date, recorded the next business day when it falls on a weekend), late
   * (what is due then, penalty and compound interest first), or paid off early.
   */
  const planRepayments = (loan: DemoLoan, state: Loan, disbursedOn: string) => {
    const rows = state.schedule;
    const rng = loan.rng;
    const pay = (date: string, payment: Payment) => {
      const w = work(date).payments;
      if (w.get(loan)?.kind !== 'payoff') w.set(loan, payment);
    };
    const stopAfter = loan.behaviour === 'default' ? (loan.paysFirst ?? between(rng, 0, Math.min(3, rows.length - 1))) : rows.length;
    const payoffAt = loan.behaviour === 'early' && rows.length >= 4 ? between(rng, 2, rows.length - 2) : rows.length + 1;
    // Asked for a few weeks before maturity; the last instalment is then paid by the new maturity.
    const last = rows[rows.length - 1];
    if (loan.extend) {
      loan.extensionMonths = Math.min(state.approvedTerms!.termMonths, pick(rng, [3, 6]));
      later(loan, onOrBefore(addDays(last.dueDate, -between(rng, 5, 20))), 'extend');
    }
    for (const row of rows) {
      if (row.n > stopAfter) {
        loan.troubledInspectionOn = onOrAfter(addDays(row.dueDate, between(rng, 50, 80)));
        break;
      }
      if (row.n === payoffAt) {
        pay(onOrBefore(addDays(row.dueDate, -between(rng, 3, 15))), { kind: 'payoff' });
        break;
      }
      if (loan.extend && row === last) {
        pay(onOrBefore(addDays(addMonths(row.dueDate, loan.extensionMonths), -between(rng, 0, 10))), { kind: 'payoff' });
        break;
      }
      const late = loan.behaviour === 'late' && rng() < 0.5 ? 7 + Math.floor(rng() * rng() * 110) : 0;
      if (late > 0) pay(onOrAfter(addDays(row.dueDate, late)), { kind: 'due' });
      else pay(onOrAfter(row.dueDate), { kind: 'due', paidOn: row.dueDate });
    }
    if (loan.inspection !== 'never') {
      let on = onOrAfter(addDays(disbursedOn, between(rng, 30, 50)));
      const last = state.disbursement!.maturityDate;
      do {
        work(on).inspections.add(loan);
        on = onOrAfter(addDays(on, between(rng, 80, 100)));
      } while (loan.inspection === 'regular' && on < last);
    }
    if (loan.troubledInspectionOn) work(loan.troubledInspectionOn).inspections.add(loan);
  };

  /** The teller records the payment: what it comes to is the loan's own position on the day it was paid. */
  const repayTask = (loan: DemoLoan, payment: Payment, date: string) => async () => {
    const by = pick(
      loan.rng,
      holders('disbursement', loan.branchId).filter((p) => !related(p, loan)),
    );
    const state = await loanNow(loan, by.id);
    if (state.status !== 'active') return;
    // Never before a payment already counted: the loan's interest is struck to that day.
    const struck = state.accrual!.struckOn;
    const paidOn = (payment.paidOn ?? date) < struck ? struck : (payment.paidOn ?? date);
    const position = positionOn(bookOf(state), paidOn);
    const amount = payment.kind === 'payoff' ? position.payoff : position.due;
    if (amount === 0) return;
    await call('POST', `/loans/${loan.id}/repayments`, by.id, { amount, paidOn }, `${date}.repay.${loan.id}`);
    if (amount === position.payoff) loan.status = 'closed';
  };

  /** Money that comes in on a written-off claim, recorded by a teller who did not act in approval on the loan. */
  const recoverTask = (loan: DemoLoan, date: string) => async () => {
    const by = pick(
      loan.rng,
      holders('disbursement', loan.branchId).filter((p) => !related(p, loan) && !loan.actors.approval.has(p.id)),
    );
    if (!by) return;
    const state = await loanNow(loan, by.id);
    const w = state.writtenOff;
    if (!w) return;
    const left = w.principal + w.interest + w.penalty - w.recovered.principal - w.recovered.interest - w.recovered.penalty;
    const amount = Math.min(left, Math.max(1, Math.round((w.principal * between(loan.rng, 10, 45)) / 100)));
    if (amount > 0) await call('POST', `/loans/${loan.id}/recoveries`, by.id, { amount }, `${date}.recover.${loan.id}`);
  };

  const WORSE: Partial<Record<Category, Category>> = {
    normal: 'substandard',
    special_mention: 'substandard',
    substandard: 'doubtful',
    doubtful: 'loss',
  };
  const inspectTask = (loan: DemoLoan, date: string) => async () => {
    const by = pick(
      loan.rng,
      holders('inspection', loan.branchId).filter((p) => !related(p, loan)),
    );
    if (!by) return;
    const troubled = loan.troubledInspectionOn === date;
    // A defaulting loan visited again: still nothing paid.
    const arrears = !troubled && loan.troubledInspectionOn !== null && date > loan.troubledInspectionOn;
    const watch = loan.watchList && loan.actors.inspection.size > 0;
    loan.actors.inspection.add(by.id);
    await call(
      'POST',
      `/loans/${loan.id}/inspections`,
      by.id,
      troubled
        ? {
            findings: pick(loan.rng, [
              'borrower not reachable; herd sold off',
              'business closed; stock seized by another creditor',
              'crop failed after the flood; no income until next season',
            ]),
            riskPoints: [pick(loan.rng, ['repayment-source-impaired', ...RISK_POINTS[loan.security]])],
            signals: ['late-payment', pick(loan.rng, ['borrower-unreachable', 'income-drop', 'guarantor-trouble'])],
          }
        : arrears
          ? {
              findings: pick(loan.rng, [
                'no payment since the last visit; the borrower promises to pay after the harvest',
                'still in arrears; the family says the borrower works in the city now',
              ]),
              riskPoints: [],
              signals: ['late-payment'],
            }
          : watch
            ? { findings: 'hail damaged half of the crop; income this season will fall short', riskPoints: [], signals: ['income-drop'] }
            : {
                findings: pick(loan.rng, [
                  'funds used as stated; operation normal',
                  'site visit: crop planted as stated',
                  'stock and sales in line with the plan',
                ]),
                riskPoints: [],
                signals: [],
              },
      `${date}.inspect.${loan.id}`,
    );
    if ((troubled && loan.downgrade) || watch) {
      if (watch) loan.watchList = false;
      const current = (await loanNow(loan, by.id)).category;
      const category = troubled ? WORSE[current] : current === 'normal' ? 'special_mention' : undefined;
      if (category)
        await call(
          'POST',
          `/loans/${loan.id}/classification`,
          by.id,
          {
            category,
            reason: troubled
              ? 'repayment source lost; recovery depends on the guarantee and collateral'
              : 'hail damage: repayment at risk this season',
          },
          `${date}.classify.${loan.id}`,
        );
    }
    if (!troubled && !watch) return;
    // In answer to what was flagged: more security from the account officer within days, or the balance called in now.
    if (loan.response === 'guarantee') later(loan, addDays(date, between(loan.rng, 3, 12)), 'guarantee');
    if (loan.response !== 'recovery' || !troubled) return;
    const state = await loanNow(loan, by.id);
    const dueOn = [onOrAfter(addDays(date, 30)), onOrBefore(addDays(state.disbursement!.maturityDate, -1))].sort()[0];
    if (dueOn < date || state.earlyRecovery) return;
    await call(
      'POST',
      `/loans/${loan.id}/early-recovery`,
      by.id,
      {
        dueOn,
        reason: pick(loan.rng, [
          'repayment source lost: the whole balance is called in under the contract',
          'borrower in breach and assets being sold off: the acceleration clause is invoked',
        ]),
        resolves: flagged(state),
      },
      `${date}.recover.${loan.id}`,
    );
    if (loan.writeOff) later(loan, addDays(dueOn, between(loan.rng, 7, 20)), 'recovery-review');
  };

  /** More security for a loan at risk: a guarantor (another sound borrower) or collateral an outside firm appraised. */
  const guaranteeTask = async (loan: DemoLoan, date: string) => {
    const candidates = eligible('investigation', loan);
    const by = candidates.find((p) => p.id === loan.officer) ?? pick(loan.rng, candidates);
    if (!by) return;
    const state = await loanNow(loan, by.id);
    const rng = loan.rng;
    const sound = borrowersOf
      .get(loan.branchId)!
      .filter((b) => b !== loan.borrower && registered.has(b.id) && !loans.some((l) => l.borrower === b && l.behaviour === 'default'));
    const kind = sound.length > 0 && rng() < 0.5 ? 'guarantor' : rng() < 0.7 ? 'mortgage' : 'pledge';
    const value = Math.max(1_000 * CNY, Math.round((state.outstanding.principal * (0.6 + 0.6 * rng())) / (1000 * CNY)) * 1000 * CNY);
    const village = loan.borrower.village;
    const guarantee =
      kind === 'guarantor'
        ? { kind, guarantorId: pick(rng, sound).id, value }
        : {
            kind,
            collateral: pick(
              rng,
              kind === 'mortgage'
                ? [
                    `house and courtyard in ${village}`,
                    `contracted land-use right to 20 mu in ${village}`,
                    'two greenhouses and the land-use right under them',
                  ]
                : [
                    'warehouse receipt for 40 t of rice',
                    'a time-deposit certificate at the cooperative',
                    'the registration certificate of a light truck',
                  ],
            ),
            value,
            appraiserId: pick(rng, APPRAISERS),
          };
    loan.actors.investigation.add(by.id);
    await call('POST', `/loans/${loan.id}/guarantees`, by.id, { ...guarantee, resolves: flagged(state) }, `${date}.guarantee.${loan.id}`);
  };

  /** The borrower asks for time before maturity; an approver who did not approve the loan grants it, once. */
  const extendTask = async (loan: DemoLoan, date: string) => {
    const by = pick(loan.rng, independent(loan));
    if (!by) return;
    const state = await loanNow(loan, by.id);
    if (state.extension || date > state.disbursement!.maturityDate) return;
    loan.actors.approval.add(by.id);
    await call(
      'POST',
      `/loans/${loan.id}/extension`,
      by.id,
      {
        months: loan.extensionMonths,
        reason: pick(loan.rng, [
          'the harvest came in late after the cold spring; sold at the autumn market',
          'the buyer pays for the delivered stock after the New Year',
          'prices are low: the produce stays in cold store until they recover',
        ]),
        resolves: flagged(state),
      },
      `${date}.extend.${loan.id}`,
    );
  };

  /** The demand for early recovery went unanswered: the inspector finds nothing left and classifies the loan loss. */
  const reviewTask = async (loan: DemoLoan, date: string) => {
    const by = pick(
      loan.rng,
      holders('inspection', loan.branchId).filter((p) => !related(p, loan)),
    );
    if (!by) return;
    loan.actors.inspection.add(by.id);
    await call(
      'POST',
      `/loans/${loan.id}/inspections`,
      by.id,
      {
        findings: 'the demand for early recovery went unanswered; nothing left to seize and the security does not cover the balance',
        riskPoints: ['repayment-source-impaired'],
        signals: ['recovery-failed'],
      },
      `${date}.review.${loan.id}`,
    );
    if ((await loanNow(loan, by.id)).category !== 'loss')
      await call(
        'POST',
        `/loans/${loan.id}/classification`,
        by.id,
        { category: 'loss', reason: 'recovery exhausted: nothing left to recover from the borrower or the security' },
        `${date}.classify-loss.${loan.id}`,
      );
    later(loan, addDays(date, between(loan.rng, 1, 7)), 'write-off');
  };

  /** The loss written off by an approver who held none of the three powers on the loan. */
  const writeOffTask = async (loan: DemoLoan, date: string) => {
    const by = pick(loan.rng, independent(loan));
    if (!by) return;
    const state = await loanNow(loan, by.id);
    if (!isNonPerforming(state.category)) return;
    loan.actors.approval.add(by.id);
    await call(
      'POST',
      `/loans/${loan.id}/write-off`,
      by.id,
      {
        reason: `classified ${state.category}; recovery demanded by ${state.earlyRecovery?.dueOn ?? 'maturity'} failed; written off against the loan-loss reserve`,
      },
      `${date}.write-off.${loan.id}`,
    );
    loan.status = 'written_off';
    // Some of it comes back later: the guarantor pays part, or the collateral is sold.
    if (loan.rng() < 0.6) {
      work(onOrAfter(addDays(date, between(loan.rng, 20, 60)))).recoveries.add(loan);
      if (loan.rng() < 0.5) work(onOrAfter(addDays(date, between(loan.rng, 90, 150)))).recoveries.add(loan);
    }
  };

  const actTask = (loan: DemoLoan, actions: Action[], date: string) => async () => {
    for (const action of actions) {
      if (loan.status !== 'active') return;
      if (action === 'guarantee') await guaranteeTask(loan, date);
      else if (action === 'extend') await extendTask(loan, date);
      else if (action === 'recovery-review') await reviewTask(loan, date);
      else await writeOffTask(loan, date);
    }
  };

  // ---- staff changes: the first day's set-up, rotations every six months --------------------------
  const setUp = async (date: string) => {
    await phase(
      date,
      8 * 60,
      people.map((p) => () => admin.register(p, `${date}.register.${p.id}`)),
    );
    await phase(
      date,
      8 * 60 + 10,
      people.map((p) => () => admin.assign(p, p.post!.post, p.post!.branchId, `${date}.assign.${p.id}`, p.post!.limit)),
    );
    setClock(date, 8 * 60 + 30);
    await call(
      'PUT',
      '/config/structure-targets',
      ADMIN,
      {
        targets: [
          { dimension: 'purpose', bucket: 'agricultural', minShareBps: 6000 },
          { dimension: 'security', bucket: 'credit', maxShareBps: 4000 },
          { dimension: 'size', bucket: 'over_1m', maxShareBps: 1000 },
          { dimension: 'term', bucket: 'long', maxShareBps: 2000 },
        ],
      },
      `${date}.structure-targets`,
    );
    await call(
      'PUT',
      '/config/policy-settings',
      ADMIN,
      { rotationTenureMonths: 24, inspectionIntervalDays: 90, committeeSize: COMMITTEE.size, committeeMajority: COMMITTEE.majority },
      `${date}.policy-settings`,
    );
    // The risk side: the scorecard every approval is bounded by, the risk points acts may tag, the warning rules.
    await call('PUT', '/config/scorecard', ADMIN, SCORECARD, `${date}.scorecard`);
    await call('PUT', '/config/risk-points', ADMIN, { points: RISK_POINT_CATALOGUE }, `${date}.risk-points`);
    await call('PUT', '/config/warning-rules', ADMIN, DEFAULT_WARNING_RULES, `${date}.warning-rules`);
    // The static rule, tried once: an examiner cannot also take an approval post.
    const examiner = holders('examination', branches[0])[0];
    await call(
      'POST',
      `/staff/${examiner.id}/posts`,
      ADMIN,
      { post: 'approval', branchId: branches[0], approvalLimit: REGULAR_LIMIT },
      `${date}.assign-conflicting.${examiner.id}`,
      409,
      'an examiner given an approval post',
    );
    // And an administrator, who manages staff, tries to register a borrower.
    await call(
      'POST',
      '/borrowers',
      ADMIN,
      {
        borrowerId: 'B-ADMIN-1',
        name: 'Admin test household',
        kind: 'household',
        village: 'Nowhere',
        sector: 'grain',
        identityNumber: residentIdFor(0),
      },
      `${date}.attempt-register.B-ADMIN-1`,
      403,
      'an administrator acts as credit staff',
    );
  };

  const rotate = async (date: string, round: number) => {
    const rng = subRng(options.seed, 4, round);
    let step = 0;
    const key = (what: string) => `${date}.rotate-${step++}.${what}`;
    setClock(date, 8 * 60);
    for (const [b, branchId] of branches.entries()) {
      const variant = (b + round) % 3;
      if (variant === 0) {
        // An investigator and a disbursement officer trade posts.
        const i = pick(rng, holders('investigation', branchId));
        const o = pick(rng, holders('disbursement', branchId));
        if (!i || !o) continue;
        await admin.revoke(i, key(i.id));
        await admin.revoke(o, key(o.id));
        await admin.assign(i, 'disbursement', branchId, key(i.id));
        await admin.assign(o, 'investigation', branchId, key(o.id));
      } else if (variant === 1) {
        // The branch approver moves to disbursement, an investigator becomes an approver.
        const a = holders('approval', branchId).find((p) => !seniors.has(p.id));
        const i = pick(rng, holders('investigation', branchId));
        if (!a || !i || holders('investigation', branchId).length < 2) continue;
        await admin.revoke(a, key(a.id));
        await admin.revoke(i, key(i.id));
        await admin.assign(a, 'disbursement', branchId, key(a.id));
        await admin.assign(i, 'approval', branchId, key(i.id), REGULAR_LIMIT);
        // Holding the approval post now, they may not also examine elsewhere (static rule).
        const other = branches[(b + 1) % branches.length];
        await call(
          'POST',
          `/staff/${i.id}/posts`,
          ADMIN,
          { post: 'examination', branchId: other },
          key(`${i.id}-conflict`),
          409,
          `${i.id} holds approval and is given examination`,
        );
        // Rotation does not wash the past: each tries their old loans in the new post.
        const mine = (f: (l: DemoLoan) => boolean) =>
          loans.filter((l) => l.branchId === branchId && l.status !== 'planned' && f(l)).sort((x, y) => y.n - x.n)[0];
        const investigated = mine((l) => l.actors.investigation.has(i.id) && l.proposed <= REGULAR_LIMIT && !l.actors.approval.size);
        if (investigated)
          await call(
            'POST',
            `/loans/${investigated.id}/approval`,
            i.id,
            { decision: 'approve', terms: terms(investigated), comments: 'approved' },
            key(`attempt-approve-${investigated.id}`),
            403,
            `${i.id} approves a loan they investigated`,
          );
        const approved = mine((l) => l.actors.approval.has(a.id));
        if (approved)
          await call(
            'POST',
            `/loans/${approved.id}/disbursement`,
            a.id,
            { amount: approved.proposed },
            key(`attempt-disburse-${approved.id}`),
            403,
            `${a.id} pays out a loan they approved`,
          );
      } else if (branches.length > 1) {
        // Inspectors swap branches.
        const other = branches[(b + 1) % branches.length];
        const x = pick(rng, holders('inspection', branchId));
        const y = pick(rng, holders('inspection', other));
        if (!x || !y) continue;
        await admin.revoke(x, key(x.id));
        await admin.revoke(y, key(y.id));
        await admin.assign(x, 'inspection', other, key(x.id));
        await admin.assign(y, 'inspection', branchId, key(y.id));
      }
    }
  };

  const declareRelations = async (date: string, d: number) => {
    for (const b of borrowers) {
      if (b.firstDay !== d || !b.relative || b.relative.declared) continue;
      const examiner = holders('examination', b.branchId)[0];
      if (!examiner) continue;
      b.relative.declared = true;
      b.relative.by = examiner.id;
      examiner.relations.add(b.id);
      await call(
        'POST',
        `/staff/${examiner.id}/relations`,
        ADMIN,
        { borrowerId: b.id, relation: b.relative.relation },
        `${date}.relation.${examiner.id}.${b.id}`,
      );
    }
  };

  // ---- the walk ----------------------------------------------------------------------------------
  const rotationDays = new Map<number, number>();
  for (let round = 1; 6 * round < options.months; round++) {
    const d = dayIndex.get(onOrAfter(addMonths(start, 6 * round)));
    if (d !== undefined) rotationDays.set(d, round);
  }
  let endOfDayRuns = 0;
  let classifiedAtEndOfDay = 0;
  /** Every day up to `through` closed, as the nightly run does just after midnight. */
  const closeDays = async (through: string) => {
    setClock(addDays(through, 1), 30);
    const closed = await endOfDay.closeThrough(through);
    endOfDayRuns += closed.length;
    classifiedAtEndOfDay += closed.reduce((n, r) => n + r.classified, 0);
  };
  let applied = 0;
  log(
    `demo: seed ${options.seed}, ${options.loans} loans over ${options.months} months from ${days[0]} (${days.length} business days), ` +
      `${branches.length} branches, ${people.length} staff, into ${db}`,
  );
  try {
    for (const [d, date] of days.entries()) {
      if (d > 0) await closeDays(addDays(date, -1));
      if (d === 0) await setUp(date);
      if (rotationDays.has(d)) await rotate(date, rotationDays.get(d)!);
      setClock(date, 8 * 60 + 45);
      await declareRelations(date, d);
      // Each loan takes at most one pipeline step a day: the one it was due for this morning.
      const due = [...new Set(pipeline.get(d) ?? [])]
        .filter((l) => l.next?.day === d)
        .sort((x, y) => x.n - y.n)
        .map((l) => [l, l.next!.step] as const);
      pipeline.delete(d);
      // A borrower's file is rated by one investigation at a time: a second of theirs waits a day.
      const investigating = new Set<string>();
      const stepTasks = (step: Step, make: (l: DemoLoan, date: string, d: number) => () => Promise<void>) =>
        due
          .filter(([l, s]) => {
            if (s !== step) return false;
            if (step !== 'investigate') return true;
            if (investigating.has(l.borrower.id)) {
              schedule(l, d + 1, step);
              return false;
            }
            investigating.add(l.borrower.id);
            return true;
          })
          .map(([l]) => make(l, date, d));
      const applying = stepTasks('apply', applyTask);
      applied += applying.length;
      await phase(date, 9 * 60, applying);
      await phase(date, 10 * 60, stepTasks('investigate', investigateTask), true);
      await phase(date, 11 * 60, stepTasks('examine', examineTask));
      await phase(date, 14 * 60, stepTasks('approve', approveTask));
      await phase(date, 15 * 60, stepTasks('disburse', disburseTask));
      const today = dated.get(date);
      dated.delete(date);
      if (today) {
        const payments = [...today.payments].filter(([l]) => l.status === 'active').sort(([x], [y]) => x.n - y.n);
        await phase(
          date,
          16 * 60,
          payments.map(([l, payment]) => repayTask(l, payment, date)),
        );
        const inspections = [...today.inspections].filter((l) => l.status === 'active').sort((x, y) => x.n - y.n);
        await phase(
          date,
          16 * 60 + 30,
          inspections.map((l) => inspectTask(l, date)),
        );
        const actions = [...today.actions].filter(([l]) => l.status === 'active').sort(([x], [y]) => x.n - y.n);
        await phase(
          date,
          16 * 60 + 45,
          actions.map(([l, list]) => actTask(l, list, date)),
        );
        const recoveries = [...today.recoveries].filter((l) => l.status === 'written_off').sort((x, y) => x.n - y.n);
        await phase(
          date,
          17 * 60,
          recoveries.map((l) => recoverTask(l, date)),
        );
      }
      if (d === days.length - 1 || days[d + 1].slice(0, 7) !== date.slice(0, 7)) {
        const active = loans.filter((l) => l.status === 'active').length;
        log(
          `${date.slice(0, 7)} done: ${applied} loans applied, ${active} active, ${loans.filter((l) => l.status === 'closed').length} closed, ` +
            `${(await store.headPosition()) + 1} events, ${requests} requests, ${((Date.now() - began) / 1000).toFixed(1)} s`,
        );
      }
    }
    await closeDays(addDays(end, -1));
    const summary = await summarize();
    summary.readSide = await readSide(days[days.length - 1], summary);
    return summary;
  } finally {
    await app.close();
  }

  async function summarize(): Promise<DemoSummary> {
    const eventsByType: Record<string, number> = {};
    const states = new Map<string, Loan>();
    const ratedByGrade: Record<string, number> = Object.fromEntries(SCORECARD.grades.map((g) => [g.grade, 0]));
    const signalsRaised: Record<string, number> = Object.fromEntries(SIGNAL_RULES.map((r) => [r, 0]));
    const committee = { approved: 0, rejected: 0, votes: 0 };
    const penalised = { payments: 0, cents: 0 };
    let total = 0;
    for (let from = 0; ;) {
      const batch = await store.readAll(from, 5000);
      if (batch.length === 0) break;
      for (const e of batch) {
        total++;
        eventsByType[e.type] = (eventsByType[e.type] ?? 0) + 1;
        const data = e.data as Record<string, any>;
        if (e.type === 'BorrowerRated') ratedByGrade[data.rating.grade] = (ratedByGrade[data.rating.grade] ?? 0) + 1;
        if (e.type === 'RiskSignalRaised') signalsRaised[data.rule] = (signalsRaised[data.rule] ?? 0) + 1;
        if (e.type === 'ApprovalVoteCast') committee.votes++;
        if (e.type === 'RepaymentReceived' && (data.penalty ?? 0) + (data.compound ?? 0) > 0) {
          penalised.payments++;
          penalised.cents += data.penalty + data.compound;
        }
        if (e.type === 'LoanApproved' && data.committee) committee.approved++;
        if (e.type === 'LoanRejected' && data.byCommittee) committee.rejected++;
        if (e.streamId.startsWith('loan-'))
          states.set(e.streamId, loanDecider.evolve(states.get(e.streamId) ?? loanDecider.initialState, upcast(e) as unknown as LoanEvent));
      }
      from = batch[batch.length - 1].globalPosition + 1;
    }
    const loansByStatus: Record<string, number> = {};
    const activeByCategory: Record<string, number> = Object.fromEntries(CATEGORIES.map((c) => [c, 0]));
    let nonPerforming = 0;
    for (const s of states.values()) {
      loansByStatus[s.status] = (loansByStatus[s.status] ?? 0) + 1;
      if (s.status !== 'active') continue;
      activeByCategory[s.category]++;
      if (isNonPerforming(s.category)) nonPerforming++;
    }
    const denials = await audit.list({ limit: Number.MAX_SAFE_INTEGER });
    const refusedByRule: Record<string, number> = {};
    for (const x of denials) refusedByRule[x.ruleCode] = (refusedByRule[x.ruleCode] ?? 0) + 1;
    return {
      db,
      seed: options.seed,
      from: days[0],
      to: days[days.length - 1],
      businessDays: days.length,
      closedThrough: addDays(end, -1),
      calendarDays: daysBetween(start, end),
      branches,
      staff: people.length,
      borrowers: registered.size,
      loans: states.size,
      loansByStatus,
      activeByCategory,
      nonPerforming,
      eventsAppended: total,
      eventsByType,
      refusedAttempts: denials.length,
      refusedByRule,
      expectedConflicts,
      requests,
      endOfDayRuns,
      classifiedAtEndOfDay,
      risk: {
        ratedByGrade,
        committee,
        signalsRaised,
        signalsResolved: eventsByType.RiskSignalResolved ?? 0,
        signalsOpen: [...states.values()].reduce((n, s) => n + openSignals(s).length, 0),
        guarantees: eventsByType.GuaranteeAdded ?? 0,
        earlyRecoveries: eventsByType.EarlyRecoveryDemanded ?? 0,
        extensions: eventsByType.LoanExtended ?? 0,
        writeOffs: eventsByType.LoanWrittenOff ?? 0,
        recoveries: eventsByType.WrittenOffRecovered ?? 0,
        latePayments: penalised.payments,
        penaltyCollected: penalised.cents,
      },
      readSide: null,
      wallMs: Date.now() - began,
    };
  }

  /** The read side through its routes, as a branch head sees it after the last day; checked against the log. */
  async function readSide(last: string, summary: DemoSummary): Promise<DemoSummary['readSide']> {
    setClock(last, 18 * 60 + 30);
    const viewer = [...seniors][0];
    // The answers are read loosely: the demo reports what it finds, the report tests check the shapes.
    type Answer = Record<string, any>;
    const get = (path: string) => call('GET', path, viewer) as Promise<Answer>;
    const active = await get('/loans?status=active&pageSize=1');
    const portfolio = await get('/reports/portfolio');
    // Assessment periods are whole months: from the first month's 1st to the last month's end.
    const performance = await get(
      `/reports/performance?from=${days[0].slice(0, 7)}-01&to=${lastDayOfMonth(last.slice(0, 7))}&groupBy=branch`,
    );
    const month = addMonths(last, 1).slice(0, 7);
    const maturing = await get(`/reports/maturities?month=${month}`);
    // Compliance findings are for auditors and administrators.
    const compliance = (await call('GET', '/compliance/violations', ADMIN)) as Answer;
    const maturingLoans = (maturing.branches ?? []).reduce(
      (n: number, b: Answer) => n + (b.officers ?? []).reduce((m: number, o: Answer) => m + (o.loans?.length ?? 0), 0),
      0,
    );
    const mismatches: string[] = [];
    const activeInLog = summary.loansByStatus.active ?? 0;
    if (active.total !== activeInLog) mismatches.push(`GET /loans?status=active lists ${active.total} loans, the log has ${activeInLog}`);
    if (portfolio.loans !== activeInLog)
      mismatches.push(`/reports/portfolio counts ${portfolio.loans} active loans, the log has ${activeInLog}`);
    if (compliance.counts?.refused_attempt !== summary.refusedAttempts)
      mismatches.push(
        `/compliance/violations counts ${compliance.counts?.refused_attempt} refused attempts, the access audit ${summary.refusedAttempts}`,
      );
    for (const m of mismatches) log(`demo: READ SIDE MISMATCH ${m}`);
    return {
      activeListed: active.total,
      portfolio: { loans: portfolio.loans, breaches: (portfolio.breaches ?? []).map((b: Answer) => `${b.dimension} ${b.bucket}`) },
      performance: {
        newLoans: performance.total?.newLoans,
        nplRate: performance.total?.nplRate ?? null,
        recoveryRate: performance.total?.recoveryRate ?? null,
        accountable: performance.accountability?.length ?? 0,
      },
      maturing: { month, loans: maturingLoans },
      compliance: compliance.counts ?? {},
      mismatches,
    };
  }
}

/** Refuses to write into a log that holds events, unless `force` deletes the file first. */
async function prepareFile(config: LoanflowConfig, force: boolean): Promise<void> {
  const file = config.sqlitePath;
  const parts = [file, `${file}-wal`, `${file}-shm`, `${file}-journal`];
  if (existsSync(file)) {
    if (force) for (const p of parts) rmSync(p, { force: true });
    else {
      const storage = await openStorage(config, { clock: systemClock });
      const head = await storage.eventStore.headPosition().finally(() => storage.close());
      if (head >= 0) throw new Error(`${file} already holds a log of ${head + 1} events; pass --force to delete it first`);
    }
  }
  mkdirSync(dirname(file), { recursive: true });
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
