/** Money is integer cents; rates are integer basis points per year. */
export type Cents = number;
export type Bps = number;

/**
 * Integer division of non-negative integers rounded half up, exact while 2a + b < 2^53: the
 * floating-point quotient is corrected by its remainder.
 */
export function divRound(a: number, b: number): number {
  const twice = 2 * a + b;
  const q = Math.floor(twice / (2 * b));
  const r = twice - q * 2 * b;
  return r < 0 ? q - 1 : r >= 2 * b ? q + 1 : q;
}

/** The same for integers of any size, in bigint. */
export function divRoundBig(a: bigint, b: bigint): number {
  return Number((2n * a + b) / (2n * b));
}

/** 5000000 -> "50,000.00", for sentences people read. */
export function formatCents(cents: Cents): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const units = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${units}.${String(abs % 100).padStart(2, '0')}`;
}

/** `bps` basis points of an amount, rounded half up; exact for any amount (worked out in bigint). */
export function bpsOf(amount: Cents, bps: number): Cents {
  return divRoundBig(BigInt(amount) * BigInt(bps), 10_000n);
}
