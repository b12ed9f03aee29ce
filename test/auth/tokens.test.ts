// Keys and claims: rotation by kid, asymmetric keys, and every forged form.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT, decodeProtectedHeader } from 'jose';
import { createTokenService, VERIFIED_CACHE_MAX } from '../../src/auth/tokens.js';

const base = { issuer: 'fortress', audience: 'fortress-api' };
const viewer = { userId: '11111111-1111-4111-8111-111111111111', tenantId: '22222222-2222-4222-8222-222222222222', role: 'member' as const };
const SECRET = 's'.repeat(40);

async function privateJwk(alg: 'ES256' | 'EdDSA', kid: string) {
  const { privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });
  return { ...(await exportJWK(privateKey)), kid };
}
const rejected = async (svc: Awaited<ReturnType<typeof createTokenService>>, token: string) =>
  expect(svc.viewerFromAuthorization(`Bearer ${token}`)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });

describe('access tokens', () => {
  it('HS256 by default, with kid; verified into the viewer', async () => {
    const svc = await createTokenService({ ...base, secret: SECRET });
    const { token } = await svc.sign({ ...viewer, sessionId: '33333333-3333-4333-8333-333333333333' });
    expect(decodeProtectedHeader(token)).toMatchObject({ alg: 'HS256', kid: 'hs-1' });
    expect(await svc.viewerFromAuthorization(`Bearer ${token}`)).toEqual({
      kind: 'user', ...viewer, sessionId: '33333333-3333-4333-8333-333333333333',
    });
  });

  for (const alg of ['ES256', 'EdDSA'] as const) {
    it(`${alg}: a new key signs while the old one still verifies (rotation by kid)`, async () => {
      const oldKey = await privateJwk(alg, 'k-old');
      const newKey = await privateJwk(alg, 'k-new');
      const before = await createTokenService({ ...base, secret: SECRET, privateJwk: JSON.stringify(oldKey) });
      const oldToken = (await before.sign(viewer)).token;
      expect(decodeProtectedHeader(oldToken)).toMatchObject({ alg, kid: 'k-old' });
      const { d: _d, ...oldPublic } = oldKey;
      const after = await createTokenService({
        ...base, secret: SECRET, privateJwk: JSON.stringify(newKey), verifyKeys: JSON.stringify([oldPublic]),
      });
      expect(decodeProtectedHeader((await after.sign(viewer)).token)).toMatchObject({ kid: 'k-new' });
      expect((await after.viewerFromAuthorization(`Bearer ${oldToken}`)).kind).toBe('user');
      // Once the old key is dropped, its tokens stop working.
      const later = await createTokenService({ ...base, secret: SECRET, privateJwk: JSON.stringify(newKey) });
      await rejected(later, oldToken);
    });
  }

  it('rejects other issuers and audiences, expiry, alg none, wrong keys, alg confusion and tampered claims', async () => {
    const svc = await createTokenService({ ...base, secret: SECRET });
    const good = (await svc.sign(viewer)).token;
    const key = new TextEncoder().encode(SECRET);
    const claims = { tid: viewer.tenantId, role: 'member' };
    const make = (c: Record<string, unknown>, opts: { iss?: string; aud?: string; exp?: number; kid?: string } = {}) =>
      new SignJWT(c)
        .setProtectedHeader({ alg: 'HS256', kid: opts.kid ?? 'hs-1' })
        .setSubject(viewer.userId)
        .setIssuer(opts.iss ?? 'fortress')
        .setAudience(opts.aud ?? 'fortress-api')
        .setIssuedAt()
        .setExpirationTime(opts.exp ?? '15m')
        .sign(key);
    expect((await svc.viewerFromAuthorization(`Bearer ${await make(claims)}`)).kind).toBe('user'); // control
    await rejected(svc, await make(claims, { iss: 'someone-else' }));
    await rejected(svc, await make(claims, { aud: 'another-api' }));
    await rejected(svc, await make(claims, { exp: Math.floor(Date.now() / 1000) - 10 }));
    await rejected(svc, await make(claims, { kid: 'unknown-kid' }));
    await rejected(svc, await make({ ...claims, role: 'superuser' }));
    const [h, p, s] = good.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    for (const tampered of [{ ...payload, tid: '99999999-9999-4999-8999-999999999999' }, { ...payload, role: 'owner' }]) {
      await rejected(svc, `${h}.${Buffer.from(JSON.stringify(tampered)).toString('base64url')}.${s}`);
    }
    await rejected(svc, `${Buffer.from('{"alg":"none","kid":"hs-1"}').toString('base64url')}.${p}.`);
    const wrong = await createTokenService({ ...base, secret: 'w'.repeat(40) });
    await rejected(svc, (await wrong.sign(viewer)).token);
    // A kid naming an ES256 key never verifies an HS256 token (each kid pins its algorithm;
    // jose would also refuse the key type, so this guards the behaviour, not one line).
    const es = await privateJwk('ES256', 'es-1');
    const { d: _d, ...esPublic } = es;
    const mixed = await createTokenService({ ...base, secret: SECRET, verifyKeys: JSON.stringify([esPublic]) });
    await rejected(mixed, await make(claims, { kid: 'es-1' }));
  });

  it('partner client tokens: their own claims, a short lifetime, and every forged form refused', async () => {
    const svc = await createTokenService({ ...base, secret: SECRET, partnerTtlSeconds: 120 });
    const partner = {
      tenantId: viewer.tenantId, partnerClientId: '44444444-4444-4444-8444-444444444444', clientId: 'pc_AAAAAAAAAAAAAAAAAAAAAA',
      scopes: ['catalog:read', 'ledger:read'] as ('catalog:read' | 'ledger:read')[],
    };
    const { token, expiresIn } = await svc.signPartner({ ...partner, rateLimitPerMinute: 60 });
    expect(expiresIn).toBe(120);
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
    expect(claims.exp - claims.iat).toBe(120);
    expect(await svc.viewerFromAuthorization(`Bearer ${token}`)).toEqual({ kind: 'partner', ...partner, rateLimitPerMinute: 60 });
    const key = new TextEncoder().encode(SECRET);
    const make = (c: Record<string, unknown>, sub = partner.partnerClientId) =>
      new SignJWT(c).setProtectedHeader({ alg: 'HS256', kid: 'hs-1' }).setSubject(sub).setIssuer('fortress').setAudience('fortress-api')
        .setIssuedAt().setExpirationTime('5m').sign(key);
    const good = { tid: partner.tenantId, client_id: partner.clientId, scope: 'catalog:read' };
    expect((await svc.viewerFromAuthorization(`Bearer ${await make(good)}`)).kind).toBe('partner'); // control
    // A partner token can never pass for a user's, nor carry what the settings would not accept.
    await rejected(svc, await make({ ...good, role: 'owner' }));
    await rejected(svc, await make({ ...good, scope: 'catalog:read users:read' }));
    await rejected(svc, await make({ ...good, scope: '' }));
    await rejected(svc, await make({ ...good, client_id: 'not-a-client' }));
    await rejected(svc, await make({ ...good, tid: 'nope' }));
    await rejected(svc, await make({ ...good, rpm: -1 }));
    await rejected(svc, await make(good, 'not-a-uuid'));
  });
});

// The verified-token cache (issue 13): a token skips the signature check only while jose would
// still accept it, the viewer it returns is the caller's own copy, and the cache never grows past
// its bound. Revocation is not the cache's business: every request's identity statement checks
// the session in SQL (app.require_live_session; test/api/session-revocation.test.ts).
describe('verified-token cache', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('serves a token only until its exp, as jose would; a hit is a copy the caller may change', async () => {
    const svc = await createTokenService({ ...base, secret: SECRET, ttlSeconds: 60 });
    const { token } = await svc.sign(viewer);
    const first = await svc.viewerFromAuthorization(`Bearer ${token}`);
    expect(svc.verifiedCacheSize()).toBe(1);
    (first as { userId: string }).userId = 'changed';
    expect(await svc.viewerFromAuthorization(`Bearer ${token}`)).toEqual({ kind: 'user', ...viewer });
    const { exp } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number };
    vi.useFakeTimers({ toFake: ['Date'] });
    // One second before exp: still served (from the cache).
    vi.setSystemTime((exp - 1) * 1000);
    expect((await svc.viewerFromAuthorization(`Bearer ${token}`)).kind).toBe('user');
    // At exp: refused, and forgotten.
    vi.setSystemTime(exp * 1000);
    await rejected(svc, token);
    expect(svc.verifiedCacheSize()).toBe(0);
  });

  it(`keeps at most ${VERIFIED_CACHE_MAX} tokens, and clears expired ones before dropping a live one`, async () => {
    const svc = await createTokenService({ ...base, secret: SECRET, ttlSeconds: 60 });
    const session = (i: number) => `33333333-3333-4333-8333-${String(i).padStart(12, '0')}`;
    const tokens = await Promise.all(Array.from({ length: VERIFIED_CACHE_MAX + 10 }, async (_, i) => (await svc.sign({ ...viewer, sessionId: session(i) })).token));
    for (const t of tokens) await svc.viewerFromAuthorization(`Bearer ${t}`);
    expect(svc.verifiedCacheSize()).toBe(VERIFIED_CACHE_MAX);
    // The newest are remembered and verify as themselves.
    expect(await svc.viewerFromAuthorization(`Bearer ${tokens.at(-1)}`)).toMatchObject({ sessionId: session(VERIFIED_CACHE_MAX + 9) });
    // Once they have all expired, the next new token clears them out instead of evicting one.
    const later = await createTokenService({ ...base, secret: SECRET, ttlSeconds: 120 });
    const fresh = (await later.sign(viewer)).token;
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 61_000);
    expect((await svc.viewerFromAuthorization(`Bearer ${fresh}`)).kind).toBe('user');
    expect(svc.verifiedCacheSize()).toBe(1);
  });
});
