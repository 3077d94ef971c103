import { applyDecorators, ValidationError, ValidationPipe } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { ID_PATTERN, isIsoDate } from '@loanflow/domain';
import { ArrayMaxSize, IsArray, IsNotEmpty, IsString, Matches, MaxLength, registerDecorator, ValidationOptions } from 'class-validator';
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
export const validationPipe = new ValidationPipe({
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
      options: { message: `$property must be a calendar date written YYYY-MM-DD`, ...options },
      validator: { validate: (value: unknown) => typeof value === 'string' && isIsoDate(value) },
    });
}

export { ID_PATTERN };
export const ID_MESSAGE = '$property must be 1-64 letters, digits, dots, dashes or underscores';

/** An identifier field: loan, borrower, staff or branch id. */
export const IdField = (example?: string) =>
  applyDecorators(ApiProperty(example ? { example } : {}), Matches(ID_PATTERN, { message: ID_MESSAGE }));

/** A required piece of text a person writes: a name, findings, comments. */
export const TextField = (maxLength: number, example: string) =>
  applyDecorators(ApiProperty({ example }), IsString(), IsNotEmpty(), MaxLength(maxLength));

/** A list of short codes: risk points, signals. */
export const LabelsField = (example: string[]) =>
  applyDecorators(
    ApiProperty({ type: [String], example }),
    IsArray(),
    ArrayMaxSize(50),
    IsString({ each: true }),
    MaxLength(100, { each: true }),
  );
