import { appendFileSync, mkdtempSync, readFileSync, rmSync, statSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { AuditKeyRing } from './audit-key';

describe('the audit key ring', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'audit-key-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('without AUDIT_KEY: makes a key file at first start, readable by this user only, and keeps it', () => {
    const file = join(dir, 'sub', 'audit-key');
    const first = AuditKeyRing.load({ auditKeyFile: file });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'sub')).mode & 0o777).toBe(0o700);
    expect(readFileSync(file, 'utf8')).toMatch(/^[0-9a-f]{64}\n$/);
    const again = AuditKeyRing.load({ auditKeyFile: file });
    expect(again.signingKeyId).toBe(first.signingKeyId);
    const { keyId, signature } = first.sign('heads');
    expect(again.check(keyId, 'heads', signature)).toBe(true);
    expect(again.check(keyId, 'other heads', signature)).toBe(false);
  });

  it('rotation: a key appended signs from then on, the old one still verifies what it signed', () => {
    const file = join(dir, 'audit-key');
    const old = AuditKeyRing.load({ auditKeyFile: file });
    const signed = old.sign('heads');
    appendFileSync(file, 'a-new-secret-of-the-operator\n');
    const rotated = AuditKeyRing.load({ auditKeyFile: file });
    expect(rotated.signingKeyId).not.toBe(old.signingKeyId);
    expect(rotated.check(signed.keyId, 'heads', signed.signature)).toBe(true);
    const dropped = new AuditKeyRing(['a-new-secret-of-the-operator']);
    expect(dropped.check(signed.keyId, 'heads', signed.signature)).toBe('unknown-key');
  });

  it('AUDIT_KEY wins over the file; its last secret signs', () => {
    const ring = AuditKeyRing.load({
      auditKey: 'old-secret, new-secret',
      auditKeyFile: join(dir, 'x'),
    });
    expect(ring.signingKeyId).toBe(new AuditKeyRing(['new-secret']).signingKeyId);
    expect(() => statSync(join(dir, 'x'))).toThrow();
  });
});
