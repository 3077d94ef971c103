import { SECURITIES } from '../loan/events';
import { Cents } from '../money';

/** Dimensions of the credit structure: the portfolio's mix the cooperative sets targets for. */
export type StructureDimension = 'purpose' | 'security' | 'sector' | 'term' | 'size';
export const STRUCTURE_DIMENSIONS: readonly StructureDimension[] = ['purpose', 'security', 'sector', 'term', 'size'];

export type PurposeBucket = 'agricultural' | 'non_agricultural';
export const PURPOSE_BUCKETS: readonly PurposeBucket[] = ['agricultural', 'non_agricultural'];

export function purposeBucket(agricultural: boolean): PurposeBucket {
  return agricultural ? 'agricultural' : 'non_agricultural';
}

export type TermBucket = 'short' | 'medium' | 'long';
export const TERM_BUCKETS: readonly TermBucket[] = ['short', 'medium', 'long'];

/** Short term up to a year, medium up to five years, long beyond. */
export function termBucket(termMonths: number): TermBucket {
  if (termMonths <= 12) return 'short';
  if (termMonths <= 60) return 'medium';
  return 'long';
}

export type SizeBucket = 'up_to_50k' | '50k_to_200k' | '200k_to_1m' | 'over_1m';
export const SIZE_BUCKETS: readonly SizeBucket[] = ['up_to_50k', '50k_to_200k', '200k_to_1m', 'over_1m'];

/** Up to 50,000.00, 200,000.00, 1,000,000.00, and above. */
export function sizeBucket(amountCents: Cents): SizeBucket {
  if (amountCents <= 5_000_000) return 'up_to_50k';
  if (amountCents <= 20_000_000) return '50k_to_200k';
  if (amountCents <= 100_000_000) return '200k_to_1m';
  return 'over_1m';
}

/**
 * A target share of the portfolio for one bucket of one dimension, in basis points of the
 * outstanding balance (2500 is 25%). Sector buckets are the sectors as entered; the others are fixed lists.
 */
export interface StructureTarget {
  dimension: StructureDimension;
  bucket: string;
  minShareBps?: number;
  maxShareBps?: number;
}

/** The buckets a dimension allows, or null when any non-empty name will do (sector). */
export function bucketsOf(dimension: StructureDimension): readonly string[] | null {
  switch (dimension) {
    case 'purpose':
      return PURPOSE_BUCKETS;
    case 'security':
      return SECURITIES;
    case 'term':
      return TERM_BUCKETS;
    case 'size':
      return SIZE_BUCKETS;
    case 'sector':
      return null;
  }
}
