import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** What a client may send as an idempotency key or a correlation id: 1-200 visible ASCII characters. */
export const KEY_PATTERN = /^[\x21-\x7e]{1,200}$/;

/**
 * The request's correlation id: the client's `X-Correlation-Id` when it is a sound one, else a new
 * UUID. Worked out once per request, it is sent back on the response, put on every log line of the
 * request and carried by every event the request records.
 */
export function correlationIdOf(req: IncomingMessage & { correlationId?: string }): string {
  if (req.correlationId) return req.correlationId;
  const given = req.headers['x-correlation-id'];
  req.correlationId = typeof given === 'string' && KEY_PATTERN.test(given) ? given : randomUUID();
  return req.correlationId;
}
