import { isPower, Post } from '@loanflow/domain';

/** An unordered pair of posts one person must not combine. */
export type PostPair = readonly [Post, Post];

/** The three powers exclude each other always; configuration can add pairs, never remove these. */
const THREE_POWER_PAIRS: PostPair[] = [
  ['investigation', 'examination'],
  ['investigation', 'approval'],
  ['examination', 'approval'],
];

/** The cooperative's default: on top of the three powers, whoever approves does not pay out. */
export const DEFAULT_CONFLICT_MATRIX: PostPair[] = [...THREE_POWER_PAIRS, ['approval', 'disbursement']];

export class ConflictMatrix {
  private readonly pairs: PostPair[];

  constructor(configured: readonly PostPair[] = DEFAULT_CONFLICT_MATRIX) {
    this.pairs = [...THREE_POWER_PAIRS, ...configured];
  }

  conflicts(a: Post, b: Post): boolean {
    return a !== b && this.pairs.some(([x, y]) => (x === a && y === b) || (x === b && y === a));
  }

  /** The posts that conflict with `post`. */
  conflictsOf(post: Post): Post[] {
    const others = new Set<Post>();
    for (const [x, y] of this.pairs) {
      if (x === post && y !== post) others.add(y);
      if (y === post && x !== post) others.add(x);
    }
    return [...others];
  }

  /** Both posts are among the three powers: the refusal names that rule rather than the matrix. */
  static isThreePowers(a: Post, b: Post): boolean {
    return isPower(a) && isPower(b);
  }
}
