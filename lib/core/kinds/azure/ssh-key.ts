// Azure accepts an RSA key of at least 2048 bits or an Ed25519 key as a Linux
// VM's SSH key. The azurerm provider checks this in `terraform validate`
// (internal/services/compute/validate/ssh_key.go): the second field must be
// standard base64 of an SSH wire-format public key that golang.org/x/crypto/ssh
// parses. This repeats that check so a bad literal key fails at synth, naming
// the construct, instead of at `terraform plan`.
import { holdsPrivateKey } from '../../common/secrets';
import { BASE64_RE } from '../../common/text';

/** Reads the length-prefixed fields of an SSH wire-format blob (RFC 4253 §6.6). */
class WireReader {
  private at = 0;
  constructor(private readonly buf: Buffer) {}

  /** The next `string`/`mpint` field, or undefined when the blob ends early. */
  next(): Buffer | undefined {
    if (this.at + 4 > this.buf.length) return undefined;
    const len = this.buf.readUInt32BE(this.at);
    if (this.at + 4 + len > this.buf.length) return undefined;
    const field = this.buf.subarray(this.at + 4, this.at + 4 + len);
    this.at += 4 + len;
    return field;
  }

  get done(): boolean {
    return this.at === this.buf.length;
  }
}

/** Bit length of a non-negative big-endian integer. */
function bitLength(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]));
}

/**
 * Why Azure would refuse `key` as a VM's SSH public key, or `undefined` if it
 * would take it. `key` is the text of an `id_*.pub` file (`<type> <base64>
 * [comment]`), not a Terraform expression.
 */
export function sshPublicKeyProblem(key: string): string | undefined {
  if (holdsPrivateKey(key)) {
    return 'is a private key, not a public one; a private key must never be in code (it would be written into cdk.tf.json and state): rotate it if it was committed';
  }
  const fields = key.trim().split(/\s+/).filter((f) => f !== '');
  if (fields.length < 2) return 'is not a complete SSH public key (expected "<type> <base64 key> [comment]", as in an id_ed25519.pub file)';
  if (!BASE64_RE.test(fields[1])) return 'has a key field that is not base64';
  const wire = new WireReader(Buffer.from(fields[1], 'base64'));
  const type = wire.next()?.toString('latin1');
  if (type === 'ssh-ed25519') {
    const point = wire.next();
    if (point?.length !== 32 || !wire.done) return 'is not a well-formed ssh-ed25519 key (the key data is truncated or padded)';
    return undefined;
  }
  if (type === 'ssh-rsa') {
    const e = wire.next();
    const n = wire.next();
    if (!e || !n || !wire.done) return 'is not a well-formed ssh-rsa key (the key data is truncated or padded)';
    // x/crypto/ssh refuses exponents wider than 24 bits, even ones and ones below 3.
    const eBits = bitLength(e);
    if (eBits > 24 || eBits === 0 || e.readUIntBE(e.length - Math.min(e.length, 3), Math.min(e.length, 3)) < 3 || (e[e.length - 1] & 1) === 0) {
      return 'is not a well-formed ssh-rsa key (its public exponent is invalid)';
    }
    const bits = Math.ceil(bitLength(n) / 8) * 8;
    if (bits < 2048) return `is a ${bits}-bit RSA key; Azure accepts RSA keys of 2048 bits or more`;
    return undefined;
  }
  if (type === undefined) return 'is not a well-formed SSH public key (the key data is too short)';
  return `has key type ${type}; Azure accepts only ssh-rsa (2048 bits or more) and ssh-ed25519 keys`;
}
