import {
  Category,
  daysBetween,
  isNonPerforming,
  LoanRiskFacts,
  RISK_LEVELS,
  RiskLevel,
  riskLevel,
  RiskPoint,
  RiskPointStage,
  RiskSignalRaised,
  SEVERITIES,
  Severity,
  SignalRule,
  WarningRules,
  worseLevel,
} from '@loanflow/domain';
import { ReadModelDb } from '@loanflow/storage';
import { sql } from 'kysely';
import { num, ratio, untyped } from '../queries';
import { fromColumns } from '../tables';
import { GuaranteeRow, RISK_LOANS_TABLE, RiskLoanRow, SignalRow } from './projection';

// ---- the portfolio as the warning rules see it on a date ----

/** An open signal as the end-of-day review compares it with what the rules want. */
export interface OpenSignal {
  signalId: string;
  rule: SignalRule;
  severity: Severity;
  raisedBy: string;
}

interface LoanAt {
  row: RiskLoanRow;
  daysPastDue: number;
  /** Signals open at the end of `asOf`: raised by then and not resolved by then. */
  openAt: SignalRow[];
  /** Signals open now, whatever the date asked: what the loan's decider sees. */
  openNow: SignalRow[];
}

interface PortfolioAt {
  loans: Map<string, LoanAt>;
  /** Each borrower's level: the worst over their active loans (or, with none, over their loans with open signals). */
  levels: Map<string, RiskLevel>;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

const chunks = <T>(items: readonly T[], size = 5_000) =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/**
 * Each loan's earliest instalment due before `asOf` and not settled by then: where its days past
 * due count from (the same rule as the domain's `daysPastDue`). For named loans, their
 * instalments by key; for the whole portfolio, two index ranges (open, and settled after `asOf`),
 * with no grouping the planner could turn into a walk of the whole table in key order.
 */
async function oldestUnpaidDue(db: ReadModelDb, asOf: string, loanIds?: readonly string[]): Promise<Map<string, string>> {
  const rm = untyped(db);
  const due = () => rm.selectFrom('rm_instalments').select(['loan_id', 'due_date']).where('due_date', '<', asOf);
  const rows = loanIds
    ? (
        await Promise.all(
          chunks(loanIds).map((ids) =>
            due()
              .where('loan_id', 'in', ids)
              .where((eb) => eb.or([eb('settled_on', 'is', null), eb('settled_on', '>', asOf)]))
              .execute(),
          ),
        )
      ).flat()
    : [...(await due().where('settled_on', 'is', null).execute()), ...(await due().where('settled_on', '>', asOf).execute())];
  const oldest = new Map<string, string>();
  for (const r of rows) {
    const before = oldest.get(r.loan_id);
    if (!before || r.due_date < before) oldest.set(r.loan_id, r.due_date);
  }
  return oldest;
}

/**
 * The active loans, and every loan with a signal open at `asOf` or now, with their days past due
 * and open signals at `asOf`, and each borrower's risk level then.
 */
async function portfolioAt(db: ReadModelDb, rules: WarningRules, asOf: string, borrowers?: readonly string[]): Promise<PortfolioAt> {
  const rm = untyped(db);
  // The whole portfolio, or only the named borrowers' loans (their level reads all of them).
  const scoped = async <T>(query: (ids: readonly string[] | null) => Promise<T[]>): Promise<T[]> =>
    borrowers ? (await Promise.all(chunks(borrowers).map((ids) => query(ids)))).flat() : query(null);
  const signalRows = (
    await scoped((ids) => {
      let q = rm
        .selectFrom('rm_signals')
        .selectAll()
        .where((eb) => eb.or([eb('resolved_on', 'is', null), eb('resolved_on', '>', asOf)]));
      if (ids) q = q.where('borrower_id', 'in', ids);
      return q.execute();
    })
  ).sort((a, b) =>
    a.loan_id === b.loan_id ? (a.raised_on < b.raised_on ? -1 : a.raised_on > b.raised_on ? 1 : 0) : a.loan_id < b.loan_id ? -1 : 1,
  ) as SignalRow[];

  const rows = new Map<string, RiskLoanRow>();
  const read = (stored: Record<string, unknown>[]) => {
    for (const r of stored) rows.set(r.loan_id as string, fromColumns(RISK_LOANS_TABLE, r) as RiskLoanRow);
  };
  read(
    await scoped((ids) => {
      let q = rm.selectFrom('rm_risk_loans').selectAll().where('status', '=', 'active');
      if (ids) q = q.where('borrower_id', 'in', ids);
      return q.execute();
    }),
  );
  const others = [...new Set(signalRows.map((s) => s.loan_id))].filter((id) => !rows.has(id));
  for (const ids of chunks(others)) read(await rm.selectFrom('rm_risk_loans').selectAll().where('loan_id', 'in', ids).execute());

  // Named borrowers: their own active loans' instalments; otherwise the whole portfolio's.
  const activeIds = borrowers && [...rows.values()].filter((r) => r.status === 'active').map((r) => r.loan_id);
  const oldestDue = await oldestUnpaidDue(db, asOf, activeIds);

  // A borrower's latest rating, on whichever loan it was given.
  const latest = new Map<string, { position: number; score: number }>();
  const rated = await scoped((ids) => {
    let q = rm
      .selectFrom('rm_risk_loans')
      .select(['borrower_id', 'rating_score', 'rated_position'])
      .where('rated_position', 'is not', null);
    if (ids) q = q.where('borrower_id', 'in', ids);
    return q.execute();
  });
  for (const r of rated) {
    const position = num(r.rated_position);
    const before = latest.get(r.borrower_id);
    if (!before || position > before.position) latest.set(r.borrower_id, { position, score: JSON.parse(r.rating_score) as number });
  }

  const signalsOf = groupBy(signalRows, (s) => s.loan_id);
  const loans = new Map<string, LoanAt>();
  for (const row of rows.values()) {
    const signals = signalsOf.get(row.loan_id) ?? [];
    const due = row.status === 'active' ? oldestDue.get(row.loan_id) : undefined;
    loans.set(row.loan_id, {
      row,
      daysPastDue: due ? daysBetween(due, asOf) : 0,
      openAt: signals.filter((s) => s.raised_on <= asOf),
      openNow: signals.filter((s) => s.resolved_on === null),
    });
  }

  const active = new Map<string, RiskLevel>();
  const inactive = new Map<string, RiskLevel>();
  for (const l of loans.values()) {
    const level = riskLevel({
      daysPastDue: l.daysPastDue,
      nonPerforming: isNonPerforming(l.row.category),
      openSeverities: l.openAt.map((s) => s.severity),
      inspectionFlagged: l.openAt.some((s) => s.rule === 'inspection_flagged'),
      score: latest.get(l.row.borrower_id)?.score ?? null,
      watchScoreBelow: rules.watchScoreBelow,
    });
    const into = l.row.status === 'active' ? active : inactive;
    const before = into.get(l.row.borrower_id);
    into.set(l.row.borrower_id, before ? worseLevel(before, level) : level);
  }
  const levels = new Map([...inactive, ...active]);
  return { loans, levels };
}

// ---- the facts end of day applies the warning rules to ----

export interface LoanRiskReview {
  loanId: string;
  borrowerId: string;
  facts: LoanRiskFacts;
  /** The signals open on the loan now: end of day asks the loan's decider only when the rules want otherwise. */
  open: OpenSignal[];
}

/**
 * For each loan active on `asOf`, the facts the warning rules read (libs/domain `desiredSignals`):
 * days past due, the borrower's level, inspection, guarantors in trouble, concentrations, maturity.
 */
export async function riskFacts(db: ReadModelDb, rules: WarningRules, asOf: string): Promise<LoanRiskReview[]> {
  const { loans, levels } = await portfolioAt(db, rules, asOf);
  const active = [...loans.values()].filter((l) => l.row.status === 'active' && l.row.disbursed_on! <= asOf);

  const byBorrower = groupBy(active, (l) => l.row.borrower_id);
  const outstandingOf = (ls: readonly LoanAt[]) => ls.reduce((sum, l) => sum + l.row.principal_outstanding, 0);

  // Who guarantees which active loans: a guarantor vouching twice for one loan counts it once.
  const guaranteed = await untyped(db)
    .selectFrom('rm_guarantees as g')
    .innerJoin('rm_risk_loans as l', 'l.loan_id', 'g.loan_id')
    .select(['g.loan_id', 'g.guarantor_id'])
    .where('g.kind', '=', 'guarantor')
    .where('l.status', '=', 'active')
    .orderBy('g.loan_id')
    .orderBy('g.n')
    .execute();
  const guarantorsOf = new Map<string, string[]>();
  const loansGuaranteedBy = new Map<string, Set<string>>();
  for (const g of guaranteed) {
    const of = guarantorsOf.get(g.loan_id) ?? [];
    if (!of.includes(g.guarantor_id)) guarantorsOf.set(g.loan_id, [...of, g.guarantor_id]);
    loansGuaranteedBy.set(g.guarantor_id, (loansGuaranteedBy.get(g.guarantor_id) ?? new Set()).add(g.loan_id));
  }

  return active
    .sort((a, b) => a.row.loan_id.localeCompare(b.row.loan_id))
    .map((l) => {
      const { row } = l;
      const guarantors = guarantorsOf.get(row.loan_id) ?? [];
      const nonPerformingGuarantors = guarantors
        .map((guarantorId) => ({
          guarantorId,
          loanIds: (byBorrower.get(guarantorId) ?? [])
            .filter((g) => isNonPerforming(g.row.category))
            .map((g) => g.row.loan_id)
            .sort(),
        }))
        .filter((g) => g.loanIds.length > 0);
      const guarantorExposures = guarantors.map((guarantorId) => ({
        guarantorId,
        outstanding: [...(loansGuaranteedBy.get(guarantorId) ?? [])].reduce(
          (sum, id) => sum + (loans.get(id)?.row.principal_outstanding ?? 0),
          0,
        ),
      }));
      const facts: LoanRiskFacts = {
        asOf,
        daysPastDue: l.daysPastDue,
        maturityDate: row.maturity_date!,
        daysSinceInspection: daysBetween(row.last_inspected_on ?? row.disbursed_on!, asOf),
        level: levels.get(row.borrower_id)!,
        openRules: [...new Set(l.openNow.map((s) => s.rule))],
        nonPerformingGuarantors,
        borrowerExposure: { borrowerId: row.borrower_id, outstanding: outstandingOf(byBorrower.get(row.borrower_id) ?? []) },
        guarantorExposures,
        daysToMaturity: daysBetween(asOf, row.maturity_date!),
      };
      return {
        loanId: row.loan_id,
        borrowerId: row.borrower_id,
        facts,
        open: l.openNow.map((s) => ({ signalId: s.signal_id, rule: s.rule, severity: s.severity, raisedBy: s.raised_by })),
      };
    });
}

// ---- the warnings: an account officer's daily work list ----

/** An open signal as its `RiskSignalRaised` said it, with its loan's particulars. */
export interface Warning extends Omit<RiskSignalRaised['data'], 'at'> {
  borrowerId: string;
  branchId: string;
  officerId: string;
  /** The borrower's risk level on `asOf`. */
  level: RiskLevel;
  daysPastDue: number;
  principalOutstanding: number;
  category: Category;
}

export interface WarningsFilter {
  asOf: string;
  branchId?: string;
  officerId?: string;
  level?: RiskLevel;
}

export interface WarningsReport {
  asOf: string;
  branchId: string | null;
  officerId: string | null;
  level: RiskLevel | null;
  /** The warnings listed, by the borrower's level and by severity. */
  byLevel: Record<RiskLevel, number>;
  bySeverity: Record<Severity, number>;
  warnings: Warning[];
}

const worstFirst = (a: Warning, b: Warning) =>
  SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity) ||
  a.raisedOn.localeCompare(b.raisedOn) ||
  a.loanId.localeCompare(b.loanId) ||
  a.signalId.localeCompare(b.signalId, 'en', { numeric: true });

/**
 * The signals open at the end of `asOf`, each with its loan, borrower, branch, officer, the action
 * recommended and the borrower's risk level; gravest first, then oldest.
 */
export async function warnings(db: ReadModelDb, rules: WarningRules, filter: WarningsFilter): Promise<WarningsReport> {
  const { asOf } = filter;
  // Only the borrowers with a signal open then that the filter keeps: their levels, from all their loans.
  let open = untyped(db)
    .selectFrom('rm_signals')
    .select('borrower_id')
    .distinct()
    .where('raised_on', '<=', asOf)
    .where((eb) => eb.or([eb('resolved_on', 'is', null), eb('resolved_on', '>', asOf)]));
  if (filter.branchId) open = open.where('branch_id', '=', filter.branchId);
  if (filter.officerId) open = open.where('officer_id', '=', filter.officerId);
  const borrowers = (await open.execute()).map((r) => r.borrower_id as string);
  const { loans, levels } = await portfolioAt(db, rules, asOf, borrowers);
  const list: Warning[] = [];
  for (const l of loans.values())
    for (const s of l.openAt) {
      if (filter.branchId && s.branch_id !== filter.branchId) continue;
      if (filter.officerId && s.officer_id !== filter.officerId) continue;
      const level = levels.get(s.borrower_id)!;
      if (filter.level && level !== filter.level) continue;
      list.push({
        loanId: s.loan_id,
        signalId: s.signal_id,
        borrowerId: s.borrower_id,
        branchId: s.branch_id,
        officerId: s.officer_id,
        rule: s.rule,
        severity: s.severity,
        evidence: s.evidence,
        action: s.action,
        raisedBy: s.raised_by,
        raisedOn: s.raised_on,
        level,
        daysPastDue: l.daysPastDue,
        principalOutstanding: l.row.principal_outstanding,
        category: l.row.category,
      });
    }
  list.sort(worstFirst);
  const byLevel = Object.fromEntries(RISK_LEVELS.map((v) => [v, 0])) as Record<RiskLevel, number>;
  const bySeverity = Object.fromEntries(SEVERITIES.map((v) => [v, 0])) as Record<Severity, number>;
  for (const w of list) {
    byLevel[w.level] += 1;
    bySeverity[w.severity] += 1;
  }
  return {
    asOf,
    branchId: filter.branchId ?? null,
    officerId: filter.officerId ?? null,
    level: filter.level ?? null,
    byLevel,
    bySeverity,
    warnings: list,
  };
}

// ---- one borrower ----

/** A guarantee as the borrower's file shows it: on which loan, of which borrower. */
export interface GuaranteeOnFile {
  loanId: string;
  borrowerId: string;
  kind: GuaranteeRow['kind'];
  guarantorId: string | null;
  collateral: string | null;
  value: number;
  appraiserId: string | null;
  addedBy: string;
  addedOn: string;
}

/**
 * What the risk file says of a borrower's risk: their level at `asOf` (null when they have no
 * active loan or open signal), the guarantees and collateral securing their loans, and the
 * guarantees they gave for others' loans.
 */
export async function borrowerRisk(
  db: ReadModelDb,
  rules: WarningRules,
  borrowerId: string,
  asOf: string,
): Promise<{ level: RiskLevel | null; securing: GuaranteeOnFile[]; given: GuaranteeOnFile[] }> {
  const { levels } = await portfolioAt(db, rules, asOf, [borrowerId]);
  const rows = (await untyped(db)
    .selectFrom('rm_guarantees')
    .selectAll()
    .where((eb) => eb.or([eb('borrower_id', '=', borrowerId), eb('guarantor_id', '=', borrowerId)]))
    .orderBy('loan_id')
    .orderBy('n')
    .execute()) as GuaranteeRow[];
  const onFile = (g: GuaranteeRow): GuaranteeOnFile => ({
    loanId: g.loan_id,
    borrowerId: g.borrower_id,
    kind: g.kind,
    guarantorId: g.guarantor_id,
    collateral: g.collateral,
    value: num(g.value),
    appraiserId: g.appraiser_id,
    addedBy: g.added_by,
    addedOn: g.added_on,
  });
  return {
    level: levels.get(borrowerId) ?? null,
    securing: rows.filter((g) => g.borrower_id === borrowerId).map(onFile),
    given: rows.filter((g) => g.guarantor_id === borrowerId).map(onFile),
  };
}

// ---- the risk board ----

export interface RiskPointFigures {
  rank: number;
  code: string;
  stage: RiskPointStage | null;
  description: string | null;
  /** False for a code acts tagged that the catalogue does not (or no longer) list. */
  catalogued: boolean;
  /** Loans tagged with the point; of them paid out; of those, gone bad (non-performing or written off). */
  loans: number;
  disbursedLoans: number;
  nonPerformingLoans: number;
  /** nonPerformingLoans / disbursedLoans. */
  occurrenceRate: number | null;
  /** Principal paid out on the tagged loans, and what of it was written off. */
  exposure: number;
  loss: number;
  /** loss / exposure. */
  lossRate: number | null;
  /** occurrenceRate x lossRate, from the exact fractions. */
  score: number | null;
  /** Principal still owed on the tagged loans that are active. */
  openExposure: number;
}

export interface RiskBoard {
  asOf: string;
  branchId: string | null;
  points: RiskPointFigures[];
  /** The open warnings on `asOf`: how many by level and severity, and the gravest ten. */
  warnings: { open: number; byLevel: Record<RiskLevel, number>; bySeverity: Record<Severity, number>; top: Warning[] };
}

type Tally = Pick<RiskPointFigures, 'loans' | 'disbursedLoans' | 'nonPerformingLoans' | 'exposure' | 'loss' | 'openExposure'>;

/** Descending by a fraction, compared exactly (cents times counts outgrow a double's integers); none last. */
function byFraction(a: [bigint, bigint], b: [bigint, bigint]): number {
  if (a[1] === 0n || b[1] === 0n) return (a[1] === 0n ? 1 : 0) - (b[1] === 0n ? 1 : 0);
  const left = a[0] * b[1];
  const right = b[0] * a[1];
  return left > right ? -1 : left < right ? 1 : 0;
}
const occurrence = (t: Tally): [bigint, bigint] => [BigInt(t.nonPerformingLoans), BigInt(t.disbursedLoans)];
const scoreOf = (t: Tally): [bigint, bigint] => [
  BigInt(t.nonPerformingLoans) * BigInt(t.loss),
  BigInt(t.disbursedLoans) * BigInt(t.exposure),
];

/**
 * The cooperative's risk warning board: every catalogued risk point (and any code tagged that the
 * catalogue lacks) with how often its loans went bad and how much they lost, ranked by score
 * (occurrence rate x loss rate), then occurrence rate, then code; and the open warnings on `asOf`.
 * The point figures are as the log stands; `asOf` dates the warnings' levels.
 */
export async function riskBoard(
  db: ReadModelDb,
  catalogue: readonly RiskPoint[],
  rules: WarningRules,
  filter: { asOf: string; branchId?: string },
): Promise<RiskBoard> {
  const sum = (expression: ReturnType<typeof sql>, alias: string) => sql<number>`sum(${expression})`.as(alias);
  let q = untyped(db)
    .selectFrom('rm_risk_point_loans')
    .select([
      'point',
      sql<number>`count(*)`.as('loans'),
      sum(sql`case when disbursed_amount > 0 then 1 else 0 end`, 'disbursed_loans'),
      sum(sql`case when disbursed_amount > 0 and non_performing = 1 then 1 else 0 end`, 'non_performing_loans'),
      sum(sql`disbursed_amount`, 'exposure'),
      sum(sql`loss`, 'loss'),
      sum(sql`case when status = 'active' then principal_outstanding else 0 end`, 'open_exposure'),
    ])
    .groupBy('point');
  if (filter.branchId) q = q.where('branch_id', '=', filter.branchId);
  const tallies = new Map<string, Tally>();
  for (const r of await q.execute())
    tallies.set(r.point, {
      loans: num(r.loans),
      disbursedLoans: num(r.disbursed_loans),
      nonPerformingLoans: num(r.non_performing_loans),
      exposure: num(r.exposure),
      loss: num(r.loss),
      openExposure: num(r.open_exposure),
    });

  const none: Tally = { loans: 0, disbursedLoans: 0, nonPerformingLoans: 0, exposure: 0, loss: 0, openExposure: 0 };
  const points = [
    ...catalogue.map((p) => ({
      code: p.code,
      stage: p.stage,
      description: p.description,
      catalogued: true,
      ...(tallies.get(p.code) ?? none),
    })),
    ...[...tallies.entries()]
      .filter(([code]) => !catalogue.some((p) => p.code === code))
      .map(([code, t]) => ({ code, stage: null, description: null, catalogued: false, ...t })),
  ]
    .sort(
      (a, b) =>
        byFraction(scoreOf(a), scoreOf(b)) || byFraction(occurrence(a), occurrence(b)) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0),
    )
    .map((p, i): RiskPointFigures => ({
      rank: i + 1,
      code: p.code,
      stage: p.stage,
      description: p.description,
      catalogued: p.catalogued,
      loans: p.loans,
      disbursedLoans: p.disbursedLoans,
      nonPerformingLoans: p.nonPerformingLoans,
      occurrenceRate: ratio(p.nonPerformingLoans, p.disbursedLoans),
      exposure: p.exposure,
      loss: p.loss,
      lossRate: ratio(p.loss, p.exposure),
      score: ratio(p.nonPerformingLoans * p.loss, p.disbursedLoans * p.exposure),
      openExposure: p.openExposure,
    }));

  const open = await warnings(db, rules, { asOf: filter.asOf, branchId: filter.branchId });
  return {
    asOf: filter.asOf,
    branchId: filter.branchId ?? null,
    points,
    warnings: { open: open.warnings.length, byLevel: open.byLevel, bySeverity: open.bySeverity, top: open.warnings.slice(0, 10) },
  };
}
