/** An HTTP problem the api raises itself (validation, authentication, preconditions): RFC 9457. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'ApiProblem';
  }
}

export const unauthenticated = (detail: string) => new ApiProblem(401, 'UNAUTHENTICATED', 'Authentication required', detail);

export const versionMismatch = (expected: number, actual: number) =>
  new ApiProblem(
    412,
    'VERSION_MISMATCH',
    'Precondition failed',
    `If-Match names version ${expected}; the resource is at version ${actual}`,
    {
      currentVersion: actual,
    },
  );
