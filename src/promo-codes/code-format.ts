import { randomInt } from 'node:crypto';

/** No 0/O, 1/I/L: nothing a person can misread when dictating a code. */
export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const CODE_LENGTH = 10;
const SHAPE = new RegExp(`^[${CODE_ALPHABET}]{8,16}$`);

/** 10 characters from a 31-letter alphabet, each from the CSPRNG: about 8·10^14 codes. */
export function generateCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** Codes are case-insensitive; spaces and dashes people add while copying are ignored. */
export function normalizeCode(input: string): string {
  return input.trim().toUpperCase().replace(/[\s-]/g, '');
}

export function isWellFormedCode(normalized: string): boolean {
  return SHAPE.test(normalized);
}
