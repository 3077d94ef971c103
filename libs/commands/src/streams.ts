import { createHash } from 'node:crypto';

/**
 * The stream that reserves an identity number for one borrower file. Named by a digest, so the
 * number itself is not in the stream's name (names travel further than data: keys, logs, metrics).
 */
export function identityStream(identityNumber: string): string {
  return `identity-${createHash('sha256').update(`loanflow identity number ${identityNumber}`).digest('hex')}`;
}
