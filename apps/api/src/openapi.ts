import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

type Operation = OpenAPIObject['paths'][string]['get'] & object;
type Method = 'get' | 'post' | 'put' | 'delete';

/** What each operation does, in a line: the document's summaries (`METHOD /path`). */
export const SUMMARIES: Record<string, string> = {
  'GET /health/live': 'Liveness: the process answers',
  'GET /health': 'Readiness: the log is readable and every follower follows it',
  'GET /health/ready': 'Readiness (the same as /health)',
  'GET /metrics': 'Prometheus metrics (administrators and auditors)',
  'GET /asyncapi': 'The AsyncAPI contract of the Kafka topics',
  'POST /staff': 'Register a staff member (administrators)',
  'POST /staff/{id}/posts': 'Assign a post at a branch (administrators)',
  'DELETE /staff/{id}/posts/{post}': 'Revoke a post (administrators)',
  'POST /staff/{id}/relations': 'Declare a relation to a borrower (administrators)',
  'GET /staff/{id}': "A staff member's record",
  'POST /borrowers': 'Register a borrower (investigation post)',
  'POST /borrowers/{id}/financial-statements': "Record a borrower's financial statement",
  'POST /borrowers/{id}/erasure': "Erase a borrower's personal data",
  'GET /borrowers/{id}/personal-data-reads': "List the reads of a borrower's personal data",
  'GET /borrowers/{id}': "A borrower's risk file",
  'GET /borrowers/{id}/history': "A borrower's events and chain verdict",
  'POST /loans': 'Apply for a loan (investigation post)',
  'GET /loans': 'List loans',
  'POST /loans/{id}/investigation': 'Complete the investigation',
  'POST /loans/{id}/examination': 'Complete the examination: pass, return or reject',
  'POST /loans/{id}/approval': 'Approve or reject, or vote on a committee',
  'POST /loans/{id}/disbursement': 'Pay the loan out',
  'POST /loans/{id}/repayments': 'Receive a repayment',
  'POST /loans/{id}/inspections': 'Record a post-loan inspection',
  'POST /loans/{id}/classification': 'Classify the loan (never better than the days-past-due floor)',
  'POST /loans/{id}/guarantees': 'Add a guarantor or collateral',
  'POST /loans/{id}/early-recovery': 'Demand the loan back before maturity',
  'POST /loans/{id}/extension': 'Extend the maturity',
  'POST /loans/{id}/write-off': 'Write a non-performing loan off',
  'POST /loans/{id}/recoveries': 'Record money recovered after write-off',
  'GET /loans/{id}': 'The loan, with what paying it off costs',
  'GET /loans/{id}/history': "The loan's events and chain verdict",
  'PUT /config/structure-targets': 'Set the credit-structure targets',
  'GET /config/structure-targets': 'The credit-structure targets',
  'PUT /config/policy-settings': 'Set the policy settings',
  'GET /config/policy-settings': 'The policy settings',
  'PUT /config/scorecard': 'Set the rating scorecard',
  'GET /config/scorecard': 'The rating scorecard',
  'PUT /config/risk-points': 'Set the risk-point catalogue',
  'GET /config/risk-points': 'The risk-point catalogue',
  'PUT /config/warning-rules': 'Set the early-warning rules',
  'GET /config/warning-rules': 'The early-warning rules',
  'PUT /config/money-rules': 'Set the money rules (day count, penalty surcharge, provision rates)',
  'GET /config/money-rules': 'The money rules',
  'GET /config/history': 'Every configuration change',
  'GET /reports/maturities': 'Loans maturing in a month, and those overdue',
  'GET /reports/performance': 'The assessment of a period: recovery, interest recovery and NPL rates',
  'GET /reports/portfolio': 'The credit structure against its targets',
  'GET /reports/provisions': 'Loan-loss provisions by branch and category',
  'GET /reports/risk-board': 'The risk warning board',
  'GET /reports/warnings': 'Open warnings, an account officer’s work list',
  'GET /compliance/violations': 'Duty-separation findings (auditors and administrators)',
  'GET /me': 'Who the token is: posts, limits, the business date',
  'GET /business-day': 'The business day: today, the last closed, the open ones',
  'POST /business-day/close': 'Close business days (end of day; administrators)',
};

/** Closing business days is no command on a stream: no retry key, no version to match. */
const CLOSE_DAYS = '/business-day/close';

/** The routes that need no token: probes and the published contract. */
const PUBLIC = new Set(['GET /health/live', 'GET /health', 'GET /health/ready', 'GET /asyncapi']);

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

/**
 * The problem+json answers an operation can give, by what it is: every answer carries a stable
 * `code`, the ones named here among them.
 */
function problemsOf(method: Method, path: string, op: Operation, secured: boolean): Record<string, ReturnType<typeof problem>> {
  const writes = method !== 'get';
  const queried = (op.parameters ?? []).some((p) => 'in' in p && p.in === 'query');
  const hasInput = writes || (op.parameters ?? []).length > 0;
  return {
    ...(hasInput
      ? {
          400: problem(
            'Bad input: a field missing, of the wrong type or out of range, text with control characters, a body not UTF-8 JSON or nested too deep (`VALIDATION_FAILED`, `MALFORMED_JSON`, `BODY_TOO_DEEP`, `INVALID_IF_MATCH`, `INVALID_IDEMPOTENCY_KEY`); nothing is appended',
          ),
        }
      : {}),
    ...(secured
      ? {
          401: problem('No token, or one that is expired, forged or not yet valid (`UNAUTHENTICATED`)'),
          403: problem(
            'The policy refuses the act or the read, naming the rule: `SOD_THREE_POWERS`, `SOD_FIVE_POSTS`, `CONFLICT_OF_INTEREST`, `ABOVE_AUTHORITY`, `NO_POST`, `AUDITOR_READ_ONLY`, `ADMIN_ONLY`, ...; written to the access-audit log',
          ),
        }
      : {}),
    ...(path.includes('{') ? { 404: problem('Nothing by that id (`LOAN_NOT_FOUND`, `BORROWER_NOT_FOUND`, `STAFF_NOT_FOUND`)') } : {}),
    ...(writes
      ? {
          409: problem(
            'Wrong state for the act, or the records it was decided on kept moving (`WRONG_LOAN_STATE`, `CONCURRENT_WRITE`, ...)',
          ),
          422: problem('A business rule refuses it (`OVERPAYMENT`, `DATE_IN_FUTURE`, `ABOVE_APPROVED_AMOUNT`, ...)'),
        }
      : queried
        ? { 422: problem('A date or period it cannot answer for (`DATE_IN_FUTURE`, `PERIOD_IN_FUTURE`, `DATE_BEFORE_LAST_PAYMENT`, ...)') }
        : {}),
    ...(writes && path !== CLOSE_DAYS
      ? { 412: problem('`If-Match` names a version the stream is no longer at (`VERSION_MISMATCH`)') }
      : {}),
  };
}

const IDEMPOTENCY_KEY = {
  name: 'Idempotency-Key',
  in: 'header' as const,
  required: false,
  description:
    'Makes a retry safe: a repeat with the same key returns the first answer and appends nothing; the same key with another body answers 422',
  schema: { type: 'string' as const, pattern: '^[\\x21-\\x7e]{1,200}$' },
};
const IF_MATCH = {
  name: 'If-Match',
  in: 'header' as const,
  required: false,
  description: 'Act only if the stream is still at this version, as an ETag gave it ("3"); otherwise 412',
  schema: { type: 'string' as const },
};
const CORRELATION_ID = {
  name: 'X-Correlation-Id',
  in: 'header' as const,
  required: false,
  description:
    'Ties the request to a business process: logged with the request and carried by every event it records; one is made when absent, and sent back',
  schema: { type: 'string' as const, pattern: '^[\\x21-\\x7e]{1,200}$' },
};

/** A command's success answer: `{ id, version }`, with the version also as the ETag. */
function acceptedBody(op: Operation): void {
  for (const status of ['200', '201'])
    if (op.responses[status])
      op.responses[status] = {
        description: 'Recorded',
        headers: { ETag: { description: 'The stream version the command left, quoted ("4")', schema: { type: 'string' } } },
        content: { 'application/json': { schema: { $ref: '#/components/schemas/Accepted' } } },
      };
}

/**
 * The OpenAPI document a client can be generated from: a summary on every operation, the
 * problem+json failures each can answer, the headers for retries and optimistic concurrency,
 * security on every route that needs a token (and an explicit none on those that do not).
 */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('loanflow')
      .setDescription(
        'Event-sourced loan workflow with the three powers separated. Money is integer cents; business dates are YYYY-MM-DD in the cooperative’s time zone. Errors are RFC 9457 problem+json with a stable `code`.',
      )
      .setVersion('1')
      .setLicense('UNLICENSED (the cooperative’s own)', 'https://docs.npmjs.com/cli/configuring-npm/package-json#license')
      .addServer('/', 'this service')
      .addBearerAuth()
      .build(),
  );
  document.components = {
    ...document.components,
    schemas: {
      ...document.components?.schemas,
      Accepted: {
        type: 'object',
        description: 'A command recorded: the id of what it acted on and the stream version it left (send it back as If-Match)',
        required: ['id', 'version'],
        properties: { id: { type: 'string', example: 'L-2026-0001' }, version: { type: 'integer', minimum: 0, example: 4 } },
      },
      Problem: {
        type: 'object',
        description: 'RFC 9457 problem details, with the stable code clients key on',
        required: ['type', 'title', 'status', 'code'],
        properties: {
          type: { type: 'string' },
          title: { type: 'string' },
          status: { type: 'integer' },
          detail: { type: 'string' },
          code: { type: 'string', example: 'SOD_THREE_POWERS' },
        },
      },
    },
  };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of ['get', 'post', 'put', 'delete'] as const) {
      const op = item[method];
      if (!op) continue;
      const key = `${method.toUpperCase()} ${path}`;
      op.summary = SUMMARIES[key];
      const secured = !PUBLIC.has(key);
      op.security = secured ? [{ bearer: [] }] : [];
      op.responses = { ...problemsOf(method, path, op, secured), ...op.responses };
      if (method !== 'get' && path !== CLOSE_DAYS) acceptedBody(op);
      op.parameters = [
        ...(op.parameters ?? []),
        CORRELATION_ID,
        ...(method === 'get' || path === CLOSE_DAYS ? [] : [IDEMPOTENCY_KEY, IF_MATCH]),
      ];
    }
  }
  return document;
}
