/** An HTTP problem the api raises itself (validation, authentication, preconditions): RFC 9457. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    detail: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.name = 'ApiProblem';
  }
}

export const unauthenticated = (detail: string) => new ApiProblem(401, 'UNAUTHENTICATED', 'Authentication required', detail);
