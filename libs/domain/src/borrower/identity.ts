import { isIsoDate } from '../dates';
import type { BorrowerKind } from './events';

/**
 * A household borrower is named by the head of household's resident identity number (GB 11643),
 * a business by its unified social credit code (GB 32100). Both are 18 characters whose last one
 * is a check character over the first 17: a mistyped number is caught at registration.
 */

// GB 11643: ISO 7064 MOD 11-2, the weight of position i (0-based) is 2^(17 - i) mod 11.
const RESIDENT_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const RESIDENT_CHECK = '10X98765432';

// GB 32100: 31 characters (no I, O, S, V or Z), weight of position i is 3^i mod 31.
const CREDIT_CODE_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_CODE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** The check character of a resident identity number, from its first 17 digits. */
export function residentIdCheckCharacter(first17: string): string {
  const sum = RESIDENT_WEIGHTS.reduce((s, w, i) => s + w * Number(first17[i]), 0);
  return RESIDENT_CHECK[sum % 11];
}

/** The check character of a unified social credit code, from its first 17 characters. */
export function socialCreditCheckCharacter(first17: string): string {
  const sum = CREDIT_CODE_WEIGHTS.reduce((s, w, i) => s + w * CREDIT_CODE_CHARS.indexOf(first17[i]), 0);
  return CREDIT_CODE_CHARS[(31 - (sum % 31)) % 31];
}

function residentIdProblem(value: string, today: string): string | null {
  if (!/^\d{17}[\dX]$/.test(value))
    return `a household's resident identity number is 17 digits and a check character (a digit or X), not ${value}`;
  const birth = `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`;
  if (!isIsoDate(birth)) return `resident identity number ${value}: digits 7-14 must be a date of birth, and ${birth} is no date`;
  if (birth > today) return `resident identity number ${value}: the date of birth ${birth} is after today (${today})`;
  const check = residentIdCheckCharacter(value);
  if (value[17] !== check)
    return `resident identity number ${value}: the check character is ${value[17]}, the first 17 digits give ${check}`;
  return null;
}

function socialCreditCodeProblem(value: string): string | null {
  if (value.length !== 18 || [...value].some((c) => !CREDIT_CODE_CHARS.includes(c)))
    return `a business's unified social credit code is 18 digits and capital letters other than I, O, S, V and Z, not ${value}`;
  const check = socialCreditCheckCharacter(value);
  if (value[17] !== check) return `unified social credit code ${value}: the check character is ${value[17]}, the first 17 give ${check}`;
  return null;
}

/** What is wrong with a borrower's identity number, in a sentence; null when it is valid for the kind of borrower. */
export function identityNumberProblem(kind: BorrowerKind, value: string, today: string): string | null {
  return kind === 'household' ? residentIdProblem(value, today) : socialCreditCodeProblem(value);
}
