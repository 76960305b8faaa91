/** Basic and Digest answers for snapshot pulls (src/vision/sources/http-auth.ts), against RFC 7616's own example. */
import { describe, expect, it } from 'vitest';
import { digestAuthorization, HttpAuth, parseChallenge } from '../../../src/vision/sources/http-auth.js';

// RFC 7616 §3.9.1: the same request answered with MD5 and with SHA-256.
const RFC = {
  credentials: { username: 'Mufasa', password: 'Circle of Life' },
  method: 'GET',
  uri: '/dir/index.html',
  nc: 1,
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
};
const challenge = (algorithm: string) => ({
  realm: 'http-auth@example.org',
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
  qop: 'auth',
  opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
  algorithm,
});
const responseOf = (header: string) => /response="([0-9a-f]+)"/.exec(header)?.[1];

describe('HTTP authentication of snapshot pulls', () => {
  it('answers RFC 7616 §3.9.1 exactly with MD5 and SHA-256', () => {
    const md5 = digestAuthorization({ ...RFC, challenge: challenge('MD5') });
    expect(responseOf(md5)).toBe('8ca523f5e9506fed4657c9700eebdbec');
    expect(md5).toContain('nc=00000001');
    expect(md5).toContain('opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"');
    const sha = digestAuthorization({ ...RFC, challenge: challenge('SHA-256') });
    expect(responseOf(sha)).toBe('753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
  });

  it('refuses an algorithm it does not know, naming it', () => {
    expect(() => digestAuthorization({ ...RFC, challenge: challenge('SHA-512-256') })).toThrow(
      'the camera asks for digest algorithm SHA-512-256, not MD5 or SHA-256',
    );
  });

  it('prefers Digest when a camera offers both, whatever the order, and reads quoted commas', () => {
    const both = 'Basic realm="cam", Digest realm="a, b", nonce="n1", qop="auth,auth-int", algorithm=SHA-256';
    expect(parseChallenge(both)).toEqual({
      scheme: 'digest',
      realm: 'a, b',
      nonce: 'n1',
      qop: 'auth',
      algorithm: 'SHA-256',
    });
    const digestFirst = 'Digest realm="cam", nonce="n2", Basic realm="cam"';
    expect(parseChallenge(digestFirst)).toEqual({ scheme: 'digest', realm: 'cam', nonce: 'n2', algorithm: 'MD5' });
    expect(parseChallenge('Basic realm="cam"')).toEqual({ scheme: 'basic' });
    expect(parseChallenge('Bearer realm="x"')).toBeUndefined();
    expect(parseChallenge(null)).toBeUndefined();
  });

  it('sends nothing before a challenge, then Basic, or Digest with a rising nonce count', () => {
    const auth = new HttpAuth({ username: 'viewer', password: 'pässword' });
    const url = new URL('http://cam/snap.jpg?ch=1');
    expect(auth.header(url)).toBeUndefined();
    expect(auth.learn('Basic realm="cam"')).toBe(true);
    expect(auth.header(url)).toBe(`Basic ${Buffer.from('viewer:pässword').toString('base64')}`);
    expect(auth.learn('Digest realm="cam", nonce="abc", qop="auth"')).toBe(true);
    const first = auth.header(url) as string;
    const second = auth.header(url) as string;
    expect(first).toContain('uri="/snap.jpg?ch=1"');
    expect(first).toContain('nc=00000001');
    expect(second).toContain('nc=00000002');
    expect(auth.learn('Negotiate')).toBe(false);
  });
});
