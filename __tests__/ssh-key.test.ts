import { sshPublicKeyProblem } from '../lib/core/kinds/azure/ssh-key';
import { SSH_KEY_CASES } from './fixtures/ssh-keys';

// terraform-validate.test.ts checks the same cases against the azurerm provider itself.
describe('SSH public keys Azure accepts', () => {
  it.each(SSH_KEY_CASES.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const problem = sshPublicKeyProblem(c.key);
    if (c.accepted) expect(problem).toBeUndefined();
    else expect(problem).toEqual(expect.any(String));
  });

  it('says what is wrong', () => {
    const byName = (name: string) => sshPublicKeyProblem(SSH_KEY_CASES.find((c) => c.name === name)!.key);
    expect(byName('RSA 1024')).toBe('is a 1024-bit RSA key; Azure accepts RSA keys of 2048 bits or more');
    expect(byName('RSA of 2040 bits')).toMatch(/^is a 2040-bit RSA key/);
    expect(byName('ECDSA P-256')).toMatch(/^has key type ecdsa-sha2-nistp256; Azure accepts only ssh-rsa .* and ssh-ed25519/);
    expect(byName('only the type')).toMatch(/^is not a complete SSH public key/);
    expect(byName('a base64 field of invalid length')).toBe('has a key field that is not base64');
    expect(byName('ed25519 followed by junk')).toMatch(/ssh-ed25519 key \(the key data is truncated or padded\)/);
    expect(byName('RSA with an even exponent')).toMatch(/public exponent is invalid/);
  });
});
