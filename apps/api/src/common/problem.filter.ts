import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { ConcurrentWrite, VersionMismatch } from '@loanflow/commands';
import { DomainError, InvalidInput } from '@loanflow/domain';
import { FollowerFailed, NotFollowingTheLog, ReadModelBehind } from '@loanflow/projections';
import { PersonalDataTampered } from '@loanflow/storage';
import { CommandIdReused, LogWriterElsewhere, WrongExpectedVersion } from '@loanflow/event-store';
import type { Request, Response } from 'express';
import { ApiProblem } from './problems';

interface Problem {
  status: number;
  code: string;
  title: string;
  detail: string;
  extensions?: Record<string, unknown>;
  headers?: Record<string, string>;
}

const DOMAIN_STATUS: Record<DomainError['kind'], { status: number; title: string }> = {
  invalid_input: { status: 400, title: 'Invalid request' },
  illegal_state: { status: 409, title: 'Conflict with the current state' },
  conflict: { status: 409, title: 'Conflict with the separation of duties' },
  rule_violated: { status: 422, title: 'Business rule violated' },
  not_found: { status: 404, title: 'Not found' },
  forbidden: { status: 403, title: 'Refused by policy' },
};

const HTTP_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

function toProblem(error: unknown): Problem {
  if (error instanceof ApiProblem)
    return { status: error.status, code: error.code, title: error.title, detail: error.message, extensions: error.extensions };
  if (error instanceof InvalidInput)
    return {
      ...DOMAIN_STATUS[error.kind],
      code: 'VALIDATION_FAILED',
      detail: error.message,
      extensions: { errors: [{ field: error.field, messages: [error.message] }] },
    };
  if (error instanceof DomainError) return { ...DOMAIN_STATUS[error.kind], code: error.code, detail: error.message };
  if (error instanceof VersionMismatch)
    return {
      status: 412,
      code: 'VERSION_MISMATCH',
      title: 'Precondition failed',
      detail: `If-Match names version ${error.expected}; the resource is at version ${error.actual}`,
      extensions: { currentVersion: error.actual },
    };
  if (error instanceof ConcurrentWrite)
    return {
      status: 409,
      code: 'CONCURRENT_WRITE',
      title: 'Concurrent write',
      detail: `${error.message}: decided again each time and still overtaken; retry`,
      extensions: { stream: error.moved },
    };
  if (error instanceof FollowerFailed)
    return {
      status: 503,
      code: 'NOT_READY',
      title: 'Service not ready',
      detail: `the read models are stopped: ${error.message}`,
      extensions: { follower: error.follower, position: error.position, eventType: error.eventType },
      headers: { 'Retry-After': '30' },
    };
  if (error instanceof ReadModelBehind)
    return {
      status: 503,
      code: 'READ_MODEL_BEHIND',
      title: 'Read models behind the log',
      detail: error.message,
      extensions: { position: error.position, checkpoint: error.checkpoint },
      headers: { 'Retry-After': String(error.retryAfterSeconds) },
    };
  if (error instanceof LogWriterElsewhere)
    return {
      status: 503,
      code: 'LOG_WRITER_ELSEWHERE',
      title: 'Another process writes the log',
      detail: error.message,
      headers: { 'Retry-After': '5' },
    };
  if (error instanceof NotFollowingTheLog)
    return { status: 503, code: 'NOT_FOLLOWING_THE_LOG', title: 'Not here', detail: error.message, headers: { 'Retry-After': '60' } };
  if (error instanceof WrongExpectedVersion)
    return {
      status: 409,
      code: 'CONCURRENT_WRITE',
      title: 'Concurrent write',
      detail: `${error.message}: another command changed it first; reload and retry`,
    };
  if (error instanceof PersonalDataTampered)
    return {
      status: 500,
      code: 'PERSONAL_DATA_TAMPERED',
      title: 'Personal data altered',
      detail: `${error.message}: the store was changed behind the service; nothing is shown of it`,
    };
  if (error instanceof CommandIdReused)
    return {
      status: 422,
      code: 'IDEMPOTENCY_KEY_REUSED',
      title: 'Idempotency key reused',
      detail: 'this Idempotency-Key was already used with a different request',
    };
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const body = error.getResponse();
    const message = typeof body === 'object' && body && 'message' in body ? String((body as { message: unknown }).message) : error.message;
    // Nest turns body-parser's SyntaxError into a BadRequestException that keeps only the message.
    const malformed = status === 400 && /JSON/i.test(message);
    return {
      status,
      code: malformed ? 'MALFORMED_JSON' : (HTTP_CODES[status] ?? `HTTP_${status}`),
      title: malformed ? 'Malformed JSON body' : error.name.replace(/Exception$/, '').replace(/([a-z])([A-Z])/g, '$1 $2'),
      detail: message,
    };
  }
  // The body parser's other refusals (http-errors) reach us unmapped: too large, bad charset.
  const http = error as { status?: unknown; expose?: unknown; message?: unknown };
  if (typeof http?.status === 'number' && http.status >= 400 && http.status < 500 && http.expose === true)
    return {
      status: http.status,
      code: HTTP_CODES[http.status] ?? `HTTP_${http.status}`,
      title: 'Unacceptable request body',
      detail: String(http.message),
    };
  return { status: 500, code: 'INTERNAL', title: 'Internal error', detail: 'an unexpected error occurred; it has been logged' };
}

/** The one error filter: every failure leaves as RFC 9457 problem+json with a stable `code`. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const problem = toProblem(error);
    if (problem.status >= 500) this.logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    if (problem.status === 401) response.setHeader('WWW-Authenticate', 'Bearer');
    for (const [name, value] of Object.entries({ ...problem.headers, ...(error instanceof ApiProblem ? error.headers : {}) }))
      response.setHeader(name, value);
    response
      .status(problem.status)
      .type('application/problem+json')
      .send(
        JSON.stringify({
          type: `urn:loanflow:problem:${problem.code.toLowerCase().replace(/_/g, '-')}`,
          title: problem.title,
          status: problem.status,
          detail: problem.detail,
          code: problem.code,
          instance: request.originalUrl,
          ...problem.extensions,
        }),
      );
  }
}
