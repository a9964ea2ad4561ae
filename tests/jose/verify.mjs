// verify.mjs: checks a JWT with the independent jose implementation.
//
//   node verify.mjs JWKS_FILE TOKEN ISSUER AUDIENCE
//
// Verifies the signature against the JWKS file (ES384 only, typ at+jwt),
// iss, aud, exp and nbf.  Prints {"header":...,"payload":...} and exits 0,
// or prints jose's error code and message and exits 1.
import { readFileSync } from 'node:fs';
import { createLocalJWKSet, jwtVerify } from 'jose';

const [jwksFile, token, issuer, audience] = process.argv.slice(2);
if (!jwksFile || !token || !issuer || !audience) {
  console.error('usage: node verify.mjs JWKS_FILE TOKEN ISSUER AUDIENCE');
  process.exit(2);
}
try {
  const jwks = createLocalJWKSet(JSON.parse(readFileSync(jwksFile, 'utf8')));
  const { payload, protectedHeader } = await jwtVerify(token, jwks, {
    algorithms: ['ES384'],
    typ: 'at+jwt',
    issuer,
    audience,
    requiredClaims: ['exp', 'iat', 'sub', 'jti'],
  });
  console.log(JSON.stringify({ header: protectedHeader, payload }));
} catch (e) {
  console.log(`${e.code ?? 'ERROR'} ${e.message}`);
  process.exit(1);
}
