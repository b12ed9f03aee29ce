// The JWT check of the two anchors (PostGraphile and the floor), doing per request what Fortress
// does (src/auth/tokens.ts): the HMAC key imported into WebCrypto once (given raw bytes, jose
// imports it again on every verify), and verified tokens remembered until their `exp`, at most
// 10,000 of them. Every system then pays the same for authentication, so the comparison is about
// executing the operation, not about who caches tokens.
import { jwtVerify } from 'jose';

const MAX = 10_000;

export function createVerifier(secret) {
  const key = globalThis.crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
  const verified = new Map();
  return async function verify(token) {
    const hit = verified.get(token);
    if (hit && hit.exp > Date.now() / 1000) return hit;
    const { payload } = await jwtVerify(token, await key, { issuer: 'fortress', audience: 'fortress-api', algorithms: ['HS256'] });
    if (verified.size >= MAX) verified.delete(verified.keys().next().value);
    verified.set(token, payload);
    return payload;
  };
}
