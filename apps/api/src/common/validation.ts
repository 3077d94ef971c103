import { applyDecorators, ArgumentMetadata, Injectable, PipeTransform, ValidationError, ValidationPipe } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ID_PATTERN, isIsoDate, textProblem, unstorableText } from '@loanflow/domain';
import {
  ArrayMaxSize,
  IsArray,
  IsOptional,
  isISO8601,
  IsNotEmpty,
  IsString,
  Matches,
  MaxLength,
  registerDecorator,
  ValidationOptions,
} from 'class-validator';
import { ApiProblem } from './problems';

export interface FieldError {
  field: string;
  messages: string[];
}

function flatten(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, messages: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** Every field error named at once; unknown fields are errors, not silently dropped. */
const fieldsPipe = new ValidationPipe({
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  transform: true,
  exceptionFactory: (errors) => {
    const fields = flatten(errors);
    return new ApiProblem(
      400,
      'VALIDATION_FAILED',
      'Invalid request',
      fields.map((f) => `${f.field}: ${f.messages.join('; ')}`).join(' | '),
      { errors: fields },
    );
  },
});

/** A calendar date written YYYY-MM-DD that exists (no 2026-02-30). */
export function IsIsoDate(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isIsoDate',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `$property must be a calendar date written YYYY-MM-DD, from ${FIRST_DATE} to ${LAST_DATE}`, ...options },
      validator: {
        validate: (value: unknown) => typeof value === 'string' && isIsoDate(value) && value >= FIRST_DATE && value <= LAST_DATE,
      },
    });
}

/** The dates a request may name: a cooperative's records go back decades, its contracts decades ahead, no further. */
const FIRST_DATE = '1900-01-01';
const LAST_DATE = '2199-12-31';
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** A month written YYYY-MM, within the dates a request may name. */
export function IsMonth(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isMonth',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `$property must be a month as YYYY-MM, from ${FIRST_DATE.slice(0, 7)} to ${LAST_DATE.slice(0, 7)}`, ...options },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' && MONTH.test(value) && value >= FIRST_DATE.slice(0, 7) && value <= LAST_DATE.slice(0, 7),
      },
    });
}

/** An ISO 8601 instant whose date lies within the dates a request may name. */
export function IsInstant(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isInstant',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `$property must be an ISO 8601 instant from ${FIRST_DATE} to ${LAST_DATE}`, ...options },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          isISO8601(value, { strict: true }) &&
          value.slice(0, 10) >= FIRST_DATE &&
          value.slice(0, 10) <= LAST_DATE,
      },
    });
}

/**
 * Text of one line (a name, a place, a code): besides what no text may hold (checked for every
 * request), no tab or line break.
 */
export function SingleLine(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'singleLine',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: (args) => `${args.property} ${textProblem(String(args.value), false)}`, ...options },
      validator: { validate: (value: unknown) => typeof value !== 'string' || textProblem(value, false) === null },
    });
}

/**
 * Every request's body, query and path parameters: text no event may hold (a control character, a
 * lone surrogate, in a value or a key, at any depth) is refused before anything else looks at it,
 * naming the field; then the fields are validated against the route's DTO.
 */
@Injectable()
export class RequestPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'custom') {
      const found = unstorableText(value);
      if (found) {
        const field = found.path || metadata.data || metadata.type;
        throw new ApiProblem(400, 'VALIDATION_FAILED', 'Invalid request', `${field}: ${found.problem}`, {
          errors: [{ field, messages: [found.problem] }],
        });
      }
    }
    return fieldsPipe.transform(value, metadata);
  }
}

export { ID_PATTERN };
export const ID_MESSAGE = '$property must be 1-64 letters, digits, dots, dashes or underscores';

/** An identifier field: loan, borrower, staff or branch id. */
export const IdField = (example?: string) =>
  applyDecorators(ApiProperty(example ? { example } : {}), Matches(ID_PATTERN, { message: ID_MESSAGE }));

/** A required piece of text a person writes: a name or a place on one line; findings or comments over several (`multiline`). */
export const TextField = (maxLength: number, example: string, lines: 'single' | 'multiline' = 'single') =>
  applyDecorators(ApiProperty({ example }), IsString(), IsNotEmpty(), MaxLength(maxLength), ...(lines === 'single' ? [SingleLine()] : []));

/** A list of short codes: risk points, signals; `optional` when a request may leave it out. */
export const LabelsField = (example: string[], presence: 'required' | 'optional' = 'required') =>
  applyDecorators(
    ...(presence === 'optional'
      ? [ApiPropertyOptional({ type: [String], example }), IsOptional()]
      : [ApiProperty({ type: [String], example })]),
    IsArray(),
    ArrayMaxSize(50),
    IsString({ each: true }),
    MaxLength(100, { each: true }),
    SingleLine({ each: true }),
  );
