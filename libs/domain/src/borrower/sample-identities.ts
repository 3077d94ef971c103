import { addDays } from '../dates';
import { BorrowerKind } from './events';
import { residentIdCheckCharacter, socialCreditCheckCharacter } from './identity';

/**
 * Sample identity numbers for demonstrations (`npm run demo`) and tests: valid (the check character
 * is right), made up from a seed, belonging to nobody. The same seed gives the same number;
 * different seeds below 1,000 give different numbers.
 */
const REGIONS = ['110105', '330106', '350102', '420111', '510104', '610113'];

/** A resident identity number (GB 11643) of someone born between 1950 and 1994. */
export function residentIdFor(seed: number): string {
  const born = addDays('1950-01-01', (seed * 7_919) % 16_436).replaceAll('-', '');
  const first17 = `${REGIONS[seed % REGIONS.length]}${born}${String(seed % 1_000).padStart(3, '0')}`;
  return first17 + residentIdCheckCharacter(first17);
}

/** A unified social credit code (GB 32100) of an enterprise (91) registered in Fuzhou. */
export function socialCreditCodeFor(seed: number): string {
  const first17 = `91350100${String(seed % 1_000_000_000).padStart(9, '0')}`;
  return first17 + socialCreditCheckCharacter(first17);
}

export function identityNumberFor(kind: BorrowerKind, seed: number): string {
  return kind === 'household' ? residentIdFor(seed) : socialCreditCodeFor(seed);
}
