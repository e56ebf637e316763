import bcrypt from 'bcryptjs';
import { createHash, randomInt } from 'crypto';

/** bcrypt's cost factor: about 0.1 s a hash on this machine. */
export const BCRYPT_COST = 10;

/**
 * bcrypt reads at most 72 bytes and a password may have 128 characters (384 bytes of Chinese):
 * what bcrypt hashes is the SHA-256 of the password in base64 (44 ASCII bytes, no NUL), so no
 * character of a long password is silently ignored.
 */
const prehash = (password: string) =>
  createHash('sha256').update(password, 'utf8').digest('base64');

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(prehash(password), BCRYPT_COST);
}

/**
 * A cost-10 hash of a random secret nobody knows: an unknown username is compared against it,
 * so that it takes as long to refuse as a known user with a wrong password.
 */
const DUMMY_HASH = '$2b$10$/Q2C5GYOpTsFUugGJeR2juBzRnb9JIkWFrOJ7hiVo9gdrO0wXwtZC';

/** True when `password` matches `hash`; with no hash, the same work against a dummy, false. */
export async function verifyPassword(password: string, hash: string | null): Promise<boolean> {
  const ok = await bcrypt.compare(prehash(password), hash ?? DUMMY_HASH);
  return ok && hash !== null;
}

const ALPHABET = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';

/** A random password of 16 characters without look-alikes (0/O, 1/l/I), for the CLI to print. */
export function generatePassword(): string {
  return Array.from({ length: 16 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
}
