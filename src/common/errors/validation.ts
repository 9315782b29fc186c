import { ValidationError, ValidationPipe } from '@nestjs/common';
import { CommonErrorCode, CommonException } from './common.exception';

function flatten(errors: ValidationError[], parent = ''): { field: string; problems: string[] }[] {
  return errors.flatMap((e) => {
    const field = parent ? `${parent}.${e.property}` : e.property;
    const own = e.constraints ? [{ field, problems: Object.values(e.constraints) }] : [];
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** Rejects unknown fields and wrong types with VALIDATION_FAILED and a per-field list. */
export function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const details = flatten(errors);
      const summary = details.map((d) => d.problems.join(', ')).join('; ');
      return new CommonException(CommonErrorCode.VALIDATION_FAILED, summary || 'The request is invalid', details);
    },
  });
}
