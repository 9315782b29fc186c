import { types } from 'pg';
import { ValueTransformer } from 'typeorm';

/** int8 columns come back as BigInt, never as a lossy number or a string. */
types.setTypeParser(20, (v: string) => BigInt(v));

/** Money and counters are bigint in the database and BigInt in TypeScript. */
export const bigintColumn: ValueTransformer = {
  to: (v: bigint | null | undefined) => (v === null || v === undefined ? v : v.toString()),
  from: (v: string | bigint | null) => (v === null || v === undefined ? v : BigInt(v)),
};

// A BigInt that reaches a JSON response is written as its exact decimal string.
(BigInt.prototype as unknown as { toJSON: () => string }).toJSON = function (this: bigint) {
  return this.toString();
};
