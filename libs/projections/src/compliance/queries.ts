import { businessDate } from '@loanflow/config';
import { addDays, addMonths, daysBetween, PolicySettings, Staff } from '@loanflow/domain';
import { ReadModelDb } from '@loanflow/storage';
import { fromColumns } from '../tables';
import { num, untyped } from '../queries';
import { complianceProjection, Severity } from './projection';

/** The settings the compliance findings depend on. */
export type ComplianceSettings = Pick<PolicySettings, 'rotationTenureMonths' | 'inspectionIntervalDays'>;

export type FindingKind = 'policy_violation' | 'refused_attempt' | 'rotation_overdue' | 'inspection_overdue';

/** One thing compliance should look at: what, how grave, who, which loan, where in the log. */
export interface Finding {
  kind: FindingKind;
  severity: Severity;
  code: string;
  people: string[];
  loanId: string | null;
  /** Positions in the global log of the events involved (the act first); empty for what no event records. */
  positions: number[];
  at: string;
  detail: string;
}

export interface ComplianceFilter {
  asOf: string;
  /** The cooperative's time zone: a post taken at an instant was taken on that instant's business date there. */
  timeZone: string;
  staffId?: string;
  severity?: Severity;
  kind?: FindingKind;
}

export interface ComplianceReport {
  asOf: string;
  settings: ComplianceSettings;
  counts: Record<FindingKind, number>;
  findings: Finding[];
}

const SEVERITY_ORDER: Severity[] = ['critical', 'high', 'medium'];

/**
 * Everything compliance checks, as of a business date: (a) past acts the current policy refuses,
 * (b) refused attempts from the access-audit log, (c) posts held past the rotation tenure,
 * (d) active loans whose post-loan inspection is overdue.
 */
const staffSpec = complianceProjection.tables.find((t) => t.table.name === 'rm_compliance_staff')!.table;

export async function complianceReport(db: ReadModelDb, settings: ComplianceSettings, filter: ComplianceFilter): Promise<ComplianceReport> {
  const rm = untyped(db);
  const { asOf } = filter;
  const findings: Finding[] = [];

  let violations = rm.selectFrom('rm_violations').selectAll().orderBy('position');
  if (filter.staffId) violations = violations.where('staff_id', '=', filter.staffId);
  for (const v of await violations.execute())
    findings.push({
      kind: 'policy_violation',
      severity: v.severity,
      code: v.rule_code,
      people: [v.staff_id],
      loanId: v.loan_id,
      positions: [num(v.position), ...(JSON.parse(v.earlier_positions) as number[])],
      at: v.at,
      detail: v.detail,
    });

  let refusals = rm.selectFrom('access_audit').selectAll().orderBy('id');
  if (filter.staffId) refusals = refusals.where('actor_id', '=', filter.staffId);
  for (const r of await refusals.execute())
    findings.push({
      kind: 'refused_attempt',
      severity: 'medium',
      code: r.rule_code,
      people: [r.actor_id],
      loanId: r.resource_type === 'Loan' ? r.resource_id : null,
      positions: [],
      at: r.at,
      detail: r.detail,
    });

  let staffRows = rm.selectFrom('rm_compliance_staff').selectAll().orderBy('staff_id');
  if (filter.staffId) staffRows = staffRows.where('staff_id', '=', filter.staffId);
  for (const row of await staffRows.execute()) {
    const staff = fromColumns(staffSpec, row).staff as Staff;
    for (const held of staff.posts) {
      const since = businessDate(new Date(held.since), filter.timeZone);
      const due = addMonths(since, settings.rotationTenureMonths);
      if (due > asOf) continue;
      findings.push({
        kind: 'rotation_overdue',
        severity: 'medium',
        code: 'ROTATION_OVERDUE',
        people: [staff.staffId!],
        loanId: null,
        positions: [],
        at: due,
        detail: `${staff.name} (${staff.staffId}) has held the ${held.post} post at branch ${held.branchId} since ${since}, past the ${settings.rotationTenureMonths}-month rotation tenure (due ${due}).`,
      });
    }
  }

  const cutoff = addDays(asOf, -settings.inspectionIntervalDays);
  let late = rm
    .selectFrom('rm_loans')
    .select(['loan_id', 'officer_id', 'people', 'disbursed_on', 'last_inspected_on'])
    .where('status', '=', 'active')
    .where('disbursed_on', '<=', cutoff)
    .where((eb) => eb.or([eb('last_inspected_on', 'is', null), eb('last_inspected_on', '<=', cutoff)]))
    .orderBy('loan_id');
  if (filter.staffId) late = late.where('officer_id', '=', filter.staffId);
  for (const l of await late.execute()) {
    const last = l.last_inspected_on ?? l.disbursed_on;
    const inspectors = (JSON.parse(l.people) as Record<string, string[]>).inspection;
    findings.push({
      kind: 'inspection_overdue',
      severity: daysBetween(last, asOf) > 2 * settings.inspectionIntervalDays ? 'high' : 'medium',
      code: 'INSPECTION_OVERDUE',
      people: [l.officer_id, ...inspectors.filter((i) => i !== l.officer_id)],
      loanId: l.loan_id,
      positions: [],
      at: addDays(last, settings.inspectionIntervalDays),
      detail: `loan ${l.loan_id} was last ${l.last_inspected_on ? `inspected on ${l.last_inspected_on}` : `disbursed on ${l.disbursed_on} and never inspected`}: ${daysBetween(last, asOf)} days, more than the ${settings.inspectionIntervalDays}-day interval.`,
    });
  }

  const counts = { policy_violation: 0, refused_attempt: 0, rotation_overdue: 0, inspection_overdue: 0 };
  const kept = findings.filter((f) => (!filter.severity || f.severity === filter.severity) && (!filter.kind || f.kind === filter.kind));
  for (const f of kept) counts[f.kind] += 1;
  kept.sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
  return { asOf, settings, counts, findings: kept };
}

/** An approval-post holder at a branch, with their limit and the borrowers they declared relations to. */
export interface BranchApprover {
  staffId: string;
  limit: number;
  relatedTo: string[];
}

/** Who holds the approval post at a branch now: what tiered approval weighs a loan against. */
export async function approversAt(db: ReadModelDb, branchId: string): Promise<BranchApprover[]> {
  const approvers: BranchApprover[] = [];
  for (const row of await untyped(db).selectFrom('rm_compliance_staff').selectAll().orderBy('staff_id').execute()) {
    const staff = fromColumns(staffSpec, row).staff as Staff;
    const held = staff.posts.find((p) => p.post === 'approval' && p.branchId === branchId);
    if (held)
      approvers.push({ staffId: staff.staffId!, limit: held.approvalLimit ?? 0, relatedTo: staff.relations.map((r) => r.borrowerId) });
  }
  return approvers;
}
