import { sizeBucket, StructureDimension, StructureTarget, termBucket } from '@loanflow/domain';
import { ReadModelDb } from '@loanflow/storage';
import { num, untyped } from '../queries';

export interface BucketShare {
  bucket: string;
  loans: number;
  balance: number;
  /** Share of the portfolio's balance, in basis points (10,000 = all of it). */
  shareBps: number;
  minShareBps?: number;
  maxShareBps?: number;
  breach: 'below_min' | 'above_max' | null;
}

export interface Breach {
  dimension: StructureDimension;
  bucket: string;
  shareBps: number;
  minShareBps?: number;
  maxShareBps?: number;
  breach: 'below_min' | 'above_max';
  /** For people: "agricultural loans are 42.1% of the balance, below the 60.0% minimum". */
  description: string;
}

export interface PortfolioReport {
  /** Active loans (disbursed, not closed or written off). */
  loans: number;
  balance: number;
  dimensions: Record<StructureDimension, BucketShare[]>;
  breaches: Breach[];
  targets: StructureTarget[];
}

export const DIMENSIONS: readonly StructureDimension[] = ['purpose', 'security', 'sector', 'term', 'size'];

const pct = (bps: number) => `${(bps / 100).toFixed(1)}%`;

/** Balance share in basis points, rounded half up; 0 of an empty portfolio. */
const shareOf = (part: number, whole: number) => (whole === 0 ? 0 : Math.floor((part * 10_000 * 2 + whole) / (2 * whole)));

/**
 * The credit structure of the active portfolio: outstanding principal and its share by purpose,
 * security, sector, term and size, against the cooperative's targets, each breach named. A
 * target on a bucket with no loans counts as a share of 0.
 */
export async function portfolioReport(db: ReadModelDb, targets: readonly StructureTarget[], branchId?: string): Promise<PortfolioReport> {
  let q = untyped(db)
    .selectFrom('rm_loans')
    .select(['agricultural', 'security', 'sector', 'term_months', 'disbursed_amount', 'principal_outstanding'])
    .where('status', '=', 'active');
  if (branchId) q = q.where('branch_id', '=', branchId);
  const rows = await q.execute();
  const sums = Object.fromEntries(DIMENSIONS.map((d) => [d, new Map<string, { loans: number; balance: number }>()])) as Record<
    StructureDimension,
    Map<string, { loans: number; balance: number }>
  >;
  let balance = 0;
  for (const r of rows) {
    const outstanding = num(r.principal_outstanding);
    balance += outstanding;
    const buckets: Record<StructureDimension, string> = {
      purpose: num(r.agricultural) === 1 ? 'agricultural' : 'non_agricultural',
      security: r.security,
      sector: r.sector,
      term: termBucket(num(r.term_months)),
      size: sizeBucket(num(r.disbursed_amount)),
    };
    for (const d of DIMENSIONS) {
      const s = sums[d].get(buckets[d]) ?? { loans: 0, balance: 0 };
      s.loans += 1;
      s.balance += outstanding;
      sums[d].set(buckets[d], s);
    }
  }
  for (const t of targets) if (!sums[t.dimension].has(t.bucket)) sums[t.dimension].set(t.bucket, { loans: 0, balance: 0 });

  const breaches: Breach[] = [];
  const dimensions = {} as Record<StructureDimension, BucketShare[]>;
  for (const d of DIMENSIONS) {
    dimensions[d] = [...sums[d].entries()]
      .map(([bucket, s]) => {
        const shareBps = shareOf(s.balance, balance);
        const target = targets.find((t) => t.dimension === d && t.bucket === bucket);
        const breach =
          target?.minShareBps !== undefined && shareBps < target.minShareBps
            ? ('below_min' as const)
            : target?.maxShareBps !== undefined && shareBps > target.maxShareBps
              ? ('above_max' as const)
              : null;
        const limits = {
          ...(target?.minShareBps !== undefined ? { minShareBps: target.minShareBps } : {}),
          ...(target?.maxShareBps !== undefined ? { maxShareBps: target.maxShareBps } : {}),
        };
        if (breach)
          breaches.push({
            dimension: d,
            bucket,
            shareBps,
            ...limits,
            breach,
            description:
              breach === 'below_min'
                ? `${d} ${bucket} is ${pct(shareBps)} of the balance, below the ${pct(target!.minShareBps!)} minimum`
                : `${d} ${bucket} is ${pct(shareBps)} of the balance, above the ${pct(target!.maxShareBps!)} maximum`,
          });
        return { bucket, loans: s.loans, balance: s.balance, shareBps, ...limits, breach };
      })
      .sort((a, b) => b.balance - a.balance || a.bucket.localeCompare(b.bucket));
  }
  return { loans: rows.length, balance, dimensions, breaches, targets: [...targets] };
}
