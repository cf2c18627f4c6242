import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (password: string, salt: Buffer, keylen: number, opts: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) =>
    scryptCb(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))),
  );

/** scrypt (memory-hard). The parameters travel in the hash, so they can be raised later. */
export async function hashPassword(password: string, logN = 15): Promise<string> {
  const N = 2 ** logN;
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, 32, { N, r: 8, p: 1, maxmem: 256 * N * 8 });
  return `scrypt$${logN}$8$1$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, logN, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  const [ln, rn, pn] = [Number(logN), Number(r), Number(p)];
  const expected = Buffer.from(hash, 'base64');
  // A damaged hash must never verify (an empty key equals an empty key) nor make scrypt throw or run away.
  const sane = (n: number, max: number) => Number.isInteger(n) && n >= 1 && n <= max;
  if (!sane(ln, 20) || !sane(rn, 32) || !sane(pn, 16) || expected.length < 16 || salt === '') return false;
  const N = 2 ** ln;
  const key = await scrypt(password, Buffer.from(salt, 'base64'), expected.length, {
    N,
    r: rn,
    p: pn,
    maxmem: 256 * N * rn,
  });
  return key.length === expected.length && timingSafeEqual(key, expected);
}
