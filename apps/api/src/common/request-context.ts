import type { Envelope } from '@loanflow/commands';
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { canonicalJson } from '@loanflow/event-store';
import type { Actor } from '@loanflow/policy';
import { createHash } from 'node:crypto';
import type { AuthenticatedRequest } from '../auth/auth.guard';
import { correlationIdOf, KEY_PATTERN } from './correlation';
import { ApiProblem } from './problems';

/** What every command carries from HTTP: who, which idempotency key, which expected version. */
export interface RequestContext {
  actor: Actor;
  idempotencyKey?: string;
  /** Hash of method, path and body: the same Idempotency-Key with another request is refused. */
  fingerprint: string;
  expectedVersion?: number;
  correlationId: string;
}

function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,15})"?\s*$/.exec(header);
  if (!match)
    throw new ApiProblem(400, 'INVALID_IF_MATCH', 'Invalid If-Match', 'If-Match must name a stream version, as the ETag gave it: "3"');
  return Number(match[1]);
}

export const Ctx = createParamDecorator((_: unknown, context: ExecutionContext): RequestContext => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  const key = request.header('idempotency-key');
  if (key !== undefined && !KEY_PATTERN.test(key))
    throw new ApiProblem(
      400,
      'INVALID_IDEMPOTENCY_KEY',
      'Invalid Idempotency-Key',
      'Idempotency-Key must be 1-200 visible ASCII characters',
    );
  const fingerprint = createHash('sha256')
    .update(`${request.method} ${request.path}\n${canonicalJson(request.body ?? null)}`)
    .digest('hex');
  return {
    actor: request.actor,
    ...(key !== undefined ? { idempotencyKey: key } : {}),
    fingerprint,
    ...(request.header('if-match') !== undefined ? { expectedVersion: parseIfMatch(request.header('if-match')) } : {}),
    correlationId: correlationIdOf(request),
  };
});

/** The command loop's envelope for a request: idempotency keys are scoped to the actor. */
export function envelopeOf(ctx: RequestContext): Envelope {
  return {
    actorId: ctx.actor.id,
    ...(ctx.idempotencyKey !== undefined ? { commandId: `${ctx.actor.id}:${ctx.idempotencyKey}` } : {}),
    correlationId: ctx.correlationId,
    fingerprint: ctx.fingerprint,
    ...(ctx.expectedVersion !== undefined ? { expectedVersion: ctx.expectedVersion } : {}),
  };
}
