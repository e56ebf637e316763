import { createHash, createHmac, randomBytes, timingSafeEqual } from 'crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'fs';
import { dirname } from 'path';

/** One secret of the ring, named by an id that does not reveal it. */
interface AuditKey {
  readonly id: string;
  readonly secret: Buffer;
}

/**
 * The keys that sign the audit chain's anchors, held outside the database (AUDIT_KEY or a file
 * readable only by the service's user), so a database superuser cannot sign a rewritten chain.
 * The last key signs; every key verifies what it signed (rotation: append a new one).
 */
export class AuditKeyRing {
  private readonly keys: readonly AuditKey[];

  constructor(secrets: readonly string[]) {
    if (secrets.length === 0) throw new Error('the audit key ring is empty');
    this.keys = secrets.map((s) => ({ id: keyId(s), secret: Buffer.from(s, 'utf8') }));
  }

  /** AUDIT_KEY when set (comma-separated, the last one signs), else the key file, made at first start. */
  static load(config: { auditKey?: string; auditKeyFile: string }): AuditKeyRing {
    if (config.auditKey) return new AuditKeyRing(splitSecrets(config.auditKey));
    try {
      return new AuditKeyRing(splitSecrets(readOrCreate(config.auditKeyFile)));
    } catch (e) {
      throw new Error(
        `The audit key file ${config.auditKeyFile} cannot be read or made (${(e as Error).message}): set AUDIT_KEY_FILE to a path this user may write, or AUDIT_KEY`,
      );
    }
  }

  get signingKeyId(): string {
    return this.keys[this.keys.length - 1].id;
  }

  sign(text: string): { keyId: string; signature: string } {
    const key = this.keys[this.keys.length - 1];
    return { keyId: key.id, signature: hmac(key.secret, text) };
  }

  /** Whether `signature` is what key `keyId` makes of `text`; 'unknown-key' when the ring lacks it. */
  check(keyId: string, text: string, signature: string): boolean | 'unknown-key' {
    const key = this.keys.find((k) => k.id === keyId);
    if (!key) return 'unknown-key';
    const want = Buffer.from(hmac(key.secret, text), 'hex');
    const got = Buffer.from(signature, 'hex');
    return want.length === got.length && timingSafeEqual(want, got);
  }
}

function hmac(secret: Buffer, text: string): string {
  return createHmac('sha256', secret).update(text).digest('hex');
}

/** A key's id: the start of its SHA-256, enough to tell keys apart, nothing to sign with. */
function keyId(secret: string): string {
  return createHash('sha256').update(secret).digest('hex').slice(0, 16);
}

function splitSecrets(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((s) => s.trim())
    .filter((s) => s !== '' && !s.startsWith('#'));
}

/** The key file's text; a first start writes one random key, readable by this user only. */
function readOrCreate(file: string): string {
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    // written aside and linked into place, so a process starting at the same moment never
    // reads a half-written file; if it linked first, its key is the one
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(tmp, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    try {
      linkSync(tmp, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      unlinkSync(tmp);
    }
  }
  return readFileSync(file, 'utf8');
}
