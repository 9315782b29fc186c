/**
 * Base of every expected failure. Each feature declares an error-code enum and a subclass that maps
 * each of its codes to an HTTP status with an exhaustive switch (see e.g. promo-code.exception.ts),
 * so adding a code without deciding its status does not compile.
 */
export abstract class DomainException<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }

  abstract get httpStatus(): number;
}

/** Compile-time guard for exhaustive switches over error-code enums. */
export function unreachable(value: never): never {
  throw new Error(`Unhandled case: ${String(value)}`);
}
