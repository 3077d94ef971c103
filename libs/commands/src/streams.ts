/**
 * The stream that reserves an identity number for one borrower file, named by the number's keyed
 * hash (the identity key), so the number itself is in no stream's name (names travel further than
 * data: keys, logs, metrics) and cannot be found by hashing guesses without the cooperative's key.
 */
export function identityStream(identityKey: string): string {
  return `identity-${identityKey}`;
}
