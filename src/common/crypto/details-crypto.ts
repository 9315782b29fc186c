import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const VERSION = 1;

/**
 * AES-256-GCM for secrets at rest (payout details, webhook signing secrets, two-factor secrets):
 * version(1) | iv(12) | tag(16) | ciphertext. The owner's id is the additional authenticated data,
 * so a blob copied onto another owner's row fails to open.
 */
export function encryptDetails(key: Buffer, ownerId: string, plaintext: object): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(ownerId));
  const body = Buffer.concat([cipher.update(JSON.stringify(plaintext), 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]);
}

export function decryptDetails<T>(key: Buffer, ownerId: string, blob: Buffer): T {
  if (blob[0] !== VERSION) throw new Error(`unknown encryption version ${blob[0]}`);
  const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(1, 13));
  decipher.setAAD(Buffer.from(ownerId));
  decipher.setAuthTag(blob.subarray(13, 29));
  return JSON.parse(Buffer.concat([decipher.update(blob.subarray(29)), decipher.final()]).toString('utf8')) as T;
}
