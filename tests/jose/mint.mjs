// mint.mjs: keys and tokens for usercgi's tests, made with an independent
// JOSE implementation (npm "jose", pinned in package-lock.json) and, for
// tokens no library will make, by hand with node:crypto.
//
//   node mint.mjs setup DIR [ALG]
//       key pair for ALG (default ES384): DIR/private.jwk, DIR/jwks.json
//   node mint.mjs token DIR [CLAIMS_JSON] [HEADER_JSON]
//       prints a token signed with DIR/private.jwk; members of CLAIMS_JSON
//       and HEADER_JSON override the defaults, a null member removes one
//   node mint.mjs cases DIR
//       writes DIR/cases-jwks.json and prints one line per case of
//       shared/spec/bearer-tokens.md: NAME TAB STATUS TAB AUTHORIZATION|-
//       and writes DIR/cases-expect.tsv: NAME TAB EXPECTED_BODY|-
import * as jose from 'jose';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const ISSUER = 'http://127.0.0.1:3001/oidc';
const AUDIENCE = 'https://default.logto.app/api';
const ALGS = ['ES256', 'ES384', 'ES512', 'RS256', 'RS384', 'RS512',
	'PS256', 'PS384', 'PS512', 'EdDSA'];

const b64u = (b) => Buffer.from(b).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

function die(msg) {
	process.stderr.write(`mint.mjs: ${msg}\n`);
	process.exit(2);
}

async function genKey(alg, opts = {}) {
	if (alg === 'EdDSA')
		return jose.generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
	return jose.generateKeyPair(alg, { extractable: true, ...opts });
}

function defaultClaims() {
	const t = now();
	return {
		iss: ISSUER, aud: AUDIENCE, sub: 'test-admin', scope: 'all',
		client_id: 'm2m', jti: b64u(crypto.randomBytes(16)), iat: t,
		exp: t + 3600,
	};
}

// Applies overrides: a member whose value is null removes the member.
function merge(base, over) {
	const out = { ...base };
	for (const [k, v] of Object.entries(over ?? {})) {
		if (v === null)
			delete out[k];
		else
			out[k] = v;
	}
	return out;
}

// Signs the exact bytes `input` (a string) by hand; key is a KeyObject,
// or a secret (Buffer/string) for HS*.  opts.saltLength, opts.dsaEncoding
// make deliberately wrong signatures.
function signRaw(alg, key, input, opts = {}) {
	const data = Buffer.from(input, 'latin1');
	const hash = { '256': 'sha256', '384': 'sha384', '512': 'sha512' }[alg.slice(2)];
	if (alg.startsWith('HS'))
		return crypto.createHmac(hash, key).update(data).digest();
	if (alg.startsWith('RS'))
		return crypto.sign(hash, data, key);
	if (alg.startsWith('PS'))
		return crypto.sign(hash, data, {
			key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING,
			saltLength: opts.saltLength ?? Number(alg.slice(2)) / 8,
		});
	if (alg.startsWith('ES'))
		return crypto.sign(hash, data, { key, dsaEncoding: opts.dsaEncoding ?? 'ieee-p1363' });
	if (alg === 'EdDSA')
		return crypto.sign(null, data, key);
	die(`cannot sign ${alg}`);
}

// A token from raw parts: hdr and pay are the exact JSON bytes (string or
// Buffer) to encode; sig is computed over the encoded parts.
function rawToken(hdr, pay, alg, key, opts = {}) {
	const h = opts.h64 ?? b64u(hdr);
	const p = opts.p64 ?? b64u(pay);
	const sig = signRaw(alg, key, `${h}.${p}`, opts);
	return `${h}.${p}.${b64u(sig)}`;
}

async function cmdSetup(dir, alg = 'ES384') {
	if (!ALGS.includes(alg))
		die(`unsupported algorithm ${alg}`);
	fs.mkdirSync(dir, { recursive: true });
	const { publicKey, privateKey } = await genKey(alg);
	const kid = b64u(crypto.randomBytes(12));
	const priv = { ...(await jose.exportJWK(privateKey)), kid, alg };
	const pub = { ...(await jose.exportJWK(publicKey)), kid, alg, use: 'sig' };
	fs.writeFileSync(path.join(dir, 'private.jwk'), JSON.stringify(priv) + '\n', { mode: 0o600 });
	fs.writeFileSync(path.join(dir, 'jwks.json'), JSON.stringify({ keys: [pub] }) + '\n');
	process.stdout.write(`${kid}\n`);
}

async function cmdToken(dir, claimsJson, headerJson) {
	const jwk = JSON.parse(fs.readFileSync(path.join(dir, 'private.jwk'), 'utf8'));
	const claims = merge(defaultClaims(), claimsJson ? JSON.parse(claimsJson) : {});
	const header = merge({ alg: jwk.alg, typ: 'at+jwt', kid: jwk.kid },
	    headerJson ? JSON.parse(headerJson) : {});
	const key = await jose.importJWK(jwk, jwk.alg);
	const payload = new TextEncoder().encode(JSON.stringify(claims));
	let tok;
	try {
		tok = await new jose.CompactSign(payload).setProtectedHeader(header).sign(key);
	} catch {
		// jose refuses headers it would not verify (crit, b64, odd alg):
		// build those by hand with the same key.
		tok = rawToken(JSON.stringify(header), JSON.stringify(claims),
		    header.alg === jwk.alg ? jwk.alg : header.alg, key);
	}
	process.stdout.write(`${tok}\n`);
}

// Public JWK of a KeyObject with extra members.
async function pubJwk(k, extra) {
	return { ...(await jose.exportJWK(k.publicKey)), ...extra };
}

// Adds a random member "n" to base until pred(b64url of the header JSON) holds.
function findHeader(base, pred) {
	const chars = '0123456789?>~}|{abc';
	for (let i = 0; i < 100000; i++) {
		const len = 1 + (i % 8);
		let n = '';
		for (let j = 0; j < len; j++)
			n += chars[crypto.randomInt(chars.length)];
		const h = JSON.stringify({ ...base, n });
		if (pred(b64u(h), Buffer.byteLength(h)))
			return h;
	}
	die('no header found');
}

async function cmdCases(dir) {
	fs.mkdirSync(dir, { recursive: true });
	const keys = {};
	for (const a of ['ES256', 'ES384', 'ES512', 'EdDSA'])
		keys[a] = await genKey(a);
	keys.RSA = await genKey('RS256', { modulusLength: 2048 });
	keys.PSS = await genKey('PS256', { modulusLength: 2048 });
	const p384 = await genKey('ES384');
	const p384b = await genKey('ES384');
	const rsa1024 = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 });
	const extra256 = await genKey('ES256');
	const dup1 = await genKey('ES256');
	const dup2 = await genKey('ES256');
	const attacker = await genKey('ES384');
	const secret = crypto.randomBytes(32);

	const jwks = [];
	const add = async (k, extra) => jwks.push(await pubJwk(k, extra));
	await add(keys.ES256, { kid: 'es256', alg: 'ES256', use: 'sig' });
	await add(keys.ES384, { kid: 'es384', alg: 'ES384', use: 'sig' });
	await add(keys.ES512, { kid: 'es512', alg: 'ES512', use: 'sig' });
	await add(keys.EdDSA, { kid: 'ed25519', alg: 'EdDSA', use: 'sig' });
	for (const a of ['RS256', 'RS384', 'RS512'])
		await add(keys.RSA, { kid: a.toLowerCase(), alg: a, use: 'sig' });
	for (const a of ['PS256', 'PS384', 'PS512'])
		await add(keys.PSS, { kid: a.toLowerCase(), alg: a });
	await add(p384, { kid: 'p384-noalg' });
	await add(p384b, { kid: 'p384-es256', alg: 'ES256' });
	await add(keys.RSA, { kid: 'rs-enc', alg: 'RS256', use: 'enc' });
	await add(extra256, { kid: 'ops-sign', key_ops: ['sign'] });
	await add(dup1, { kid: 'dup', alg: 'ES256' });
	await add(dup2, { kid: 'dup', alg: 'ES256' });
	// Keys refused at load time (each with a log line).
	jwks.push({ ...rsa1024.publicKey.export({ format: 'jwk' }), kid: 'rsa1024', alg: 'RS256' });
	jwks.push({ kty: 'oct', kid: 'hs', alg: 'HS256', k: b64u(secret) });
	const p = await pubJwk(extra256, {});
	const x = Buffer.from(p.x, 'base64url'), y = Buffer.from(p.y, 'base64url');
	jwks.push({ ...p, kid: 'x31', x: b64u(x.subarray(1)) });
	jwks.push({ ...p, kid: 'x33', x: b64u(Buffer.concat([Buffer.from([0]), x])) });
	const y2 = Buffer.from(y);
	y2[31] ^= 1;
	jwks.push({ ...p, kid: 'offcurve', y: b64u(y2) });
	const ed = await pubJwk(keys.EdDSA, {});
	jwks.push({ ...ed, kid: 'ed33', x: b64u(Buffer.concat([Buffer.from(ed.x, 'base64url'), Buffer.from([0])])) });
	jwks.push({ ...(await jose.exportJWK(extra256.privateKey)), kid: 'withd' });
	fs.writeFileSync(path.join(dir, 'cases-jwks.json'), JSON.stringify({ keys: jwks }) + '\n');

	const C = () => JSON.stringify(defaultClaims());
	const H = (alg, kid, more = {}) => JSON.stringify({ alg, typ: 'at+jwt', ...(kid ? { kid } : {}), ...more });
	const claims = (over) => JSON.stringify(merge(defaultClaims(), over));
	const priv = (a) => (a.startsWith('RS') ? keys.RSA : a.startsWith('PS') ? keys.PSS : keys[a]).privateKey;
	const good = (alg = 'ES384', kid = alg.toLowerCase()) => rawToken(H(alg, kid), C(), alg, priv(alg));
	const withSig = (tok, sig) => tok.split('.').slice(0, 2).join('.') + '.' + b64u(sig);
	const sigOf = (tok) => Buffer.from(tok.split('.')[2], 'base64url');

	const U = (code, name) => `{"code":"auth.unauthorized","data":{"code":"${code}","name":"${name}"},"message":"Unauthorized. Please check credentials and its scope."}`;
	const JWS_INVALID = U('ERR_JWS_INVALID', 'JWSInvalid');
	const JWT_INVALID = U('ERR_JWT_INVALID', 'JWTInvalid');
	const ALG = U('ERR_JOSE_ALG_NOT_ALLOWED', 'JOSEAlgNotAllowed');
	const NO_KEY = U('ERR_JWKS_NO_MATCHING_KEY', 'JWKSNoMatchingKey');
	const MULTI = U('ERR_JWKS_MULTIPLE_MATCHING_KEYS', 'JWKSMultipleMatchingKeys');
	const SIG = U('ERR_JWS_SIGNATURE_VERIFICATION_FAILED', 'JWSSignatureVerificationFailed');
	const EXPIRED = U('ERR_JWT_EXPIRED', 'JWTExpired');
	const CLAIM = U('ERR_JWT_CLAIM_VALIDATION_FAILED', 'JWTClaimValidationFailed');
	const CRIT = U('ERR_JOSE_NOT_SUPPORTED', 'JOSENotSupported');
	// Logto's z.string().parse(scope) throws: auth.unauthorized, no jose reason.
	const UNAUTH = '{"code":"auth.unauthorized","message":"Unauthorized. Please check credentials and its scope."}';
	const MISSING = '{"code":"auth.authorization_header_missing","message":"Authorization header is missing."}';
	const TYPE = '{"code":"auth.authorization_token_type_not_supported","data":{"supportedTypes":["Bearer"]},"message":"Authorization type is not supported."}';
	const SUB = '{"code":"auth.jwt_sub_missing","message":"Missing `sub` in JWT."}';
	const FORBIDDEN = '{"code":"auth.forbidden","message":"Forbidden. Please check your user roles and permissions."}';

	const cases = [];
	const bearer = (name, body, tok) => cases.push([name, body, `Bearer ${tok}`]);
	const raw = (name, body, value) => cases.push([name, body, value]);

	// Scheme (create-user.md §6).
	raw('no-header', MISSING, '-');
	raw('basic-scheme', TYPE, 'Basic dXNlcjpwYXNz');
	raw('lowercase-bearer', TYPE, `bearer ${good()}`);
	raw('bearer-alone', JWS_INVALID, 'Bearer');
	raw('bearer-no-space', JWS_INVALID, `Bearer${good()}`);

	// Structure.
	const g = good();
	const [gh, gp, gs] = g.split('.');
	bearer('empty-token', JWS_INVALID, '');
	bearer('two-parts', JWS_INVALID, `${gh}.${gp}`);
	bearer('four-parts', JWS_INVALID, `${g}.${gs}`);
	bearer('five-parts', JWS_INVALID, `${gh}.${gp}.${gs}.${gs}.${gs}`);
	bearer('trailing-dot', JWS_INVALID, `${g}.`);
	bearer('leading-space', JWS_INVALID, ` ${g}`);
	bearer('empty-header', JWS_INVALID, rawToken('', C(), 'ES384', priv('ES384'), { h64: '' }));
	bearer('empty-payload', JWS_INVALID, rawToken(H('ES384', 'es384'), '', 'ES384', priv('ES384'), { p64: '' }));
	bearer('empty-signature', JWS_INVALID, `${gh}.${gp}.`);
	const padH = findHeader({ alg: 'ES384', kid: 'es384' }, (s, n) => n % 3 === 1);
	bearer('padding-equals', JWS_INVALID, rawToken(padH, C(), 'ES384', priv('ES384'), { h64: b64u(padH) + '==' }));
	const plusH = findHeader({ alg: 'ES384', kid: 'es384' }, (s) => s.includes('-'));
	bearer('plus-char', JWS_INVALID, rawToken(plusH, C(), 'ES384', priv('ES384'), { h64: b64u(plusH).replaceAll('-', '+') }));
	const slashH = findHeader({ alg: 'ES384', kid: 'es384' }, (s) => s.includes('_'));
	bearer('slash-char', JWS_INVALID, rawToken(slashH, C(), 'ES384', priv('ES384'), { h64: b64u(slashH).replaceAll('_', '/') }));
	const ncH = findHeader({ alg: 'ES384', kid: 'es384' }, (s, n) => n % 3 !== 0);
	{
		const al = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
		const e = b64u(ncH);
		const nc = e.slice(0, -1) + al[al.indexOf(e.at(-1)) + 1];
		if (!Buffer.from(nc, 'base64url').equals(Buffer.from(ncH)))
			die('non-canonical header does not decode to the same bytes');
		bearer('non-canonical-base64url', JWS_INVALID, rawToken(ncH, C(), 'ES384', priv('ES384'), { h64: nc }));
	}
	bearer('header-not-json', JWS_INVALID, rawToken('alg=ES384', C(), 'ES384', priv('ES384')));
	bearer('header-array', JWS_INVALID, rawToken('["ES384"]', C(), 'ES384', priv('ES384')));
	bearer('header-garbage-after', JWS_INVALID, rawToken(H('ES384', 'es384') + 'x', C(), 'ES384', priv('ES384')));
	bearer('header-two-objects', JWS_INVALID, rawToken(H('ES384', 'es384') + '{}', C(), 'ES384', priv('ES384')));
	bearer('header-invalid-utf8', JWS_INVALID, rawToken(Buffer.concat([Buffer.from('{"alg":"ES384","kid":"es384","typ":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]), C(), 'ES384', priv('ES384')));
	bearer('header-nesting', JWS_INVALID, rawToken(`{"alg":"ES384","kid":"es384","n":${'['.repeat(100)}${']'.repeat(100)}}`, C(), 'ES384', priv('ES384')));
	bearer('header-oversize', JWS_INVALID, rawToken(H('ES384', 'es384', { pad: 'A'.repeat(3000) }), C(), 'ES384', priv('ES384')));
	bearer('token-oversize', JWS_INVALID, rawToken(H('ES384', 'es384'), claims({ pad: 'A'.repeat(7000) }), 'ES384', priv('ES384')));

	// Header.
	bearer('alg-missing', JWS_INVALID, rawToken('{"typ":"at+jwt","kid":"es384"}', C(), 'ES384', priv('ES384')));
	bearer('alg-none-unsigned', JWS_INVALID, `${b64u('{"alg":"none"}')}.${b64u(C())}.`);
	bearer('alg-none-signed', ALG, `${b64u('{"alg":"none","kid":"es384"}')}.${b64u(C())}.${gs}`);
	bearer('alg-number', JWS_INVALID, rawToken('{"alg":256,"kid":"es384"}', C(), 'ES384', priv('ES384')));
	bearer('alg-HS256', ALG, rawToken(H('HS256', 'rs256'), C(), 'HS256', secret));
	bearer('alg-ES256K', ALG, rawToken(H('ES256K', 'es256'), C(), 'ES256', priv('ES256')));
	bearer('alg-RS1', ALG, rawToken(H('RS1', 'rs256'), C(), 'RS256', priv('RS256')));
	bearer('alg-es384-lowercase', ALG, rawToken(H('es384', 'es384'), C(), 'ES384', priv('ES384')));
	const rsaPem = keys.RSA.publicKey.export({ type: 'spki', format: 'pem' });
	const rsaJwk = JSON.stringify(await pubJwk(keys.RSA, { kid: 'rs256', alg: 'RS256', use: 'sig' }));
	bearer('hs256-rsa-pem-key', ALG, rawToken(H('HS256', 'rs256'), C(), 'HS256', rsaPem));
	bearer('hs256-rsa-jwk-key', ALG, rawToken(H('HS256', 'rs256'), C(), 'HS256', rsaJwk));
	bearer('hs256-empty-key', ALG, rawToken(H('HS256', 'rs256'), C(), 'HS256', Buffer.alloc(0)));
	bearer('crit-exp', CRIT, rawToken(H('ES384', 'es384', { crit: ['exp'], exp: now() + 60 }), C(), 'ES384', priv('ES384')));
	bearer('crit-empty', JWS_INVALID, rawToken(H('ES384', 'es384', { crit: [] }), C(), 'ES384', priv('ES384')));
	bearer('crit-not-array', JWS_INVALID, rawToken(H('ES384', 'es384', { crit: 'exp' }), C(), 'ES384', priv('ES384')));
	bearer('b64-false', CRIT, rawToken(H('ES384', 'es384', { b64: false, crit: ['b64'] }), C(), 'ES384', priv('ES384')));
	bearer('b64-false-no-crit', CRIT, rawToken(H('ES384', 'es384', { b64: false }), C(), 'ES384', priv('ES384')));
	const attJwk = await pubJwk(attacker, {});
	bearer('embedded-jwk', SIG, rawToken(H('ES384', null, { jwk: attJwk }), C(), 'ES384', attacker.privateKey));
	bearer('embedded-jwk-kid', NO_KEY, rawToken(H('ES384', 'attacker', { jwk: { ...attJwk, kid: 'attacker' } }), C(), 'ES384', attacker.privateKey));
	bearer('jku-elsewhere', NO_KEY, rawToken(H('ES384', 'attacker', { jku: 'https://attacker.example/jwks.json' }), C(), 'ES384', attacker.privateKey));
	bearer('x5u-elsewhere', NO_KEY, rawToken(H('ES384', 'attacker', { x5u: 'https://attacker.example/cert.pem' }), C(), 'ES384', attacker.privateKey));
	bearer('jku-known-kid', SIG, rawToken(H('ES384', 'es384', { jku: 'https://attacker.example/jwks.json' }), C(), 'ES384', attacker.privateKey));
	bearer('kid-unknown', NO_KEY, rawToken(H('ES384', 'no-such-key'), C(), 'ES384', priv('ES384')));
	bearer('kid-path', NO_KEY, rawToken(H('ES384', '../../etc/passwd'), C(), 'ES384', priv('ES384')));
	bearer('kid-sql', NO_KEY, rawToken(H('ES384', "es384' OR '1'='1"), C(), 'ES384', priv('ES384')));
	bearer('kid-format', NO_KEY, rawToken(H('ES384', '%s%n%x'), C(), 'ES384', priv('ES384')));
	bearer('kid-prefix', NO_KEY, rawToken(H('ES384', 'es38'), C(), 'ES384', priv('ES384')));
	bearer('kid-with-nul', NO_KEY, rawToken(H('ES384', 'es384\u0000x'), C(), 'ES384', priv('ES384')));
	bearer('kid-number', JWS_INVALID, rawToken('{"alg":"ES384","kid":384}', C(), 'ES384', priv('ES384')));
	bearer('kid-10k', JWS_INVALID, rawToken(H('ES384', 'k'.repeat(10240)), C(), 'ES384', priv('ES384')));

	// Key binding (rule 7).
	bearer('es256-token-p384-key', NO_KEY, rawToken(H('ES256', 'p384-noalg'), C(), 'ES256', priv('ES256')));
	bearer('es384-token-jwk-alg-es256', NO_KEY, rawToken(H('ES384', 'p384-es256'), C(), 'ES384', p384b.privateKey));
	bearer('rs256-token-ec-kid', NO_KEY, rawToken(H('RS256', 'es256'), C(), 'RS256', priv('RS256')));
	bearer('rs512-token-jwk-alg-rs256', NO_KEY, rawToken(H('RS512', 'rs256'), C(), 'RS512', priv('RS512')));
	bearer('ps256-token-jwk-alg-rs256', NO_KEY, rawToken(H('PS256', 'rs256'), C(), 'PS256', priv('RS256')));
	bearer('ps256-salt-20', SIG, rawToken(H('PS256', 'ps256'), C(), 'PS256', priv('PS256'), { saltLength: 20 }));
	bearer('ps256-salt-0', SIG, rawToken(H('PS256', 'ps256'), C(), 'PS256', priv('PS256'), { saltLength: 0 }));
	bearer('ps256-salt-64', SIG, rawToken(H('PS256', 'ps256'), C(), 'PS256', priv('PS256'), { saltLength: 64 }));
	bearer('rsa-1024-key', NO_KEY, rawToken(H('RS256', 'rsa1024'), C(), 'RS256', rsa1024.privateKey));
	bearer('jwk-use-enc', NO_KEY, rawToken(H('RS256', 'rs-enc'), C(), 'RS256', priv('RS256')));
	bearer('jwk-key-ops-sign', NO_KEY, rawToken(H('ES256', 'ops-sign'), C(), 'ES256', extra256.privateKey));
	bearer('oct-key', ALG, rawToken(H('HS256', 'hs'), C(), 'HS256', secret));
	bearer('oct-key-rs256', NO_KEY, rawToken(H('RS256', 'hs'), C(), 'RS256', priv('RS256')));
	bearer('ec-x-31-bytes', NO_KEY, rawToken(H('ES256', 'x31'), C(), 'ES256', extra256.privateKey));
	bearer('ec-x-33-bytes', NO_KEY, rawToken(H('ES256', 'x33'), C(), 'ES256', extra256.privateKey));
	bearer('ec-point-off-curve', NO_KEY, rawToken(H('ES256', 'offcurve'), C(), 'ES256', extra256.privateKey));
	bearer('ed25519-33-bytes', NO_KEY, rawToken(H('EdDSA', 'ed33'), C(), 'EdDSA', priv('EdDSA')));
	bearer('jwk-private-member', NO_KEY, rawToken(H('ES256', 'withd'), C(), 'ES256', extra256.privateKey));
	bearer('kid-twice-in-jwks', MULTI, rawToken(H('ES256', 'dup'), C(), 'ES256', dup1.privateKey));

	// Signature (rules 9-11).
	const flip = (tok, i) => { const s = sigOf(tok); s[i] ^= 0x01; return withSig(tok, s); };
	bearer('flipped-bit-es384', SIG, flip(good('ES384'), 40));
	bearer('flipped-bit-rs256', SIG, flip(good('RS256'), 100));
	bearer('flipped-bit-ps384', SIG, flip(good('PS384'), 7));
	bearer('flipped-bit-eddsa', SIG, flip(good('EdDSA', 'ed25519'), 3));
	{
		const t = good('EdDSA', 'ed25519');
		const pp = t.split('.');
		const pay = Buffer.from(pp[1], 'base64url');
		pay[pay.length - 2] ^= 0x01;
		bearer('flipped-bit-payload', SIG, `${pp[0]}.${b64u(pay)}.${pp[2]}`);
	}
	const t256 = good('ES256');
	const s256 = sigOf(t256);
	const n256 = Buffer.from('FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551', 'hex');
	const z32 = Buffer.alloc(32);
	bearer('es256-sig-63-bytes', SIG, withSig(t256, s256.subarray(0, 63)));
	bearer('es256-sig-65-bytes', SIG, withSig(t256, Buffer.concat([s256, Buffer.from([0])])));
	bearer('es256-sig-65-bytes-lead-zero', SIG, withSig(t256, Buffer.concat([Buffer.from([0]), s256])));
	bearer('es256-sig-128-bytes', SIG, withSig(t256, Buffer.concat([z32, s256.subarray(0, 32), z32, s256.subarray(32)])));
	bearer('es256-r-zero', SIG, withSig(t256, Buffer.concat([z32, s256.subarray(32)])));
	bearer('es256-s-zero', SIG, withSig(t256, Buffer.concat([s256.subarray(0, 32), z32])));
	bearer('es256-r-s-zero', SIG, withSig(t256, Buffer.alloc(64)));
	bearer('es256-r-n', SIG, withSig(t256, Buffer.concat([n256, s256.subarray(32)])));
	bearer('es256-s-n', SIG, withSig(t256, Buffer.concat([s256.subarray(0, 32), n256])));
	bearer('es256-der-signature', SIG, rawToken(H('ES256', 'es256'), C(), 'ES256', priv('ES256'), { dsaEncoding: 'der' }));
	bearer('es384-sig-of-es256-length', SIG, withSig(good('ES384'), s256));
	{
		const h = { alg: 'ES384', typ: 'at+jwt', kid: 'es384' };
		const p64 = b64u(C());
		const sig = signRaw('ES384', priv('ES384'), `${b64u(JSON.stringify(h, null, 1))}.${p64}`);
		bearer('signature-over-reserialised-header', SIG, `${b64u(JSON.stringify(h))}.${p64}.${b64u(sig)}`);
	}

	// Claims (rules 12-14).
	const cl = (name, body, over) => bearer(name, body, rawToken(H('ES384', 'es384'), claims(over), 'ES384', priv('ES384')));
	const t = now();
	cl('exp-missing', CLAIM, { exp: null });
	cl('exp-expired', EXPIRED, { iat: t - 7200, exp: t - 60 });
	cl('exp-equals-now', EXPIRED, { iat: t - 3600, exp: t });
	cl('exp-string', CLAIM, { exp: String(t + 3600) });
	cl('exp-1e300', CLAIM, { exp: 1e300 });
	cl('exp-negative', CLAIM, { exp: -1 });
	cl('exp-fraction', CLAIM, { exp: t + 3600.5 });
	cl('exp-bool', CLAIM, { exp: true });
	cl('nbf-future', CLAIM, { nbf: t + 600 });
	cl('nbf-string', CLAIM, { nbf: String(t - 10) });
	cl('iat-string', CLAIM, { iat: 'abc' });
	cl('iat-bool', CLAIM, { iat: true });
	cl('iat-array', CLAIM, { iat: [t] });
	// usercgi is stricter than jose here, as for exp and nbf (rule 12).
	cl('iat-fraction', CLAIM, { iat: t - 0.5 });
	cl('iat-negative', CLAIM, { iat: -1 });
	cl('iss-missing', CLAIM, { iss: null });
	cl('iss-trailing-slash', CLAIM, { iss: `${ISSUER}/` });
	cl('iss-array', CLAIM, { iss: [ISSUER] });
	cl('aud-missing', CLAIM, { aud: null });
	cl('aud-wrong', CLAIM, { aud: 'https://other.logto.app/api' });
	cl('aud-array-without-ours', CLAIM, { aud: ['https://a.example', 'https://b.example'] });
	cl('aud-number', CLAIM, { aud: 1 });
	cl('aud-object', CLAIM, { aud: { aud: AUDIENCE } });
	cl('sub-missing', SUB, { sub: null });
	cl('sub-empty', SUB, { sub: '' });
	cl('sub-number', SUB, { sub: 42 });
	cl('sub-missing-but-expired', EXPIRED, { sub: null, iat: t - 7200, exp: t - 60 });
	cl('scope-missing', FORBIDDEN, { scope: null });
	cl('scope-not-string', UNAUTH, { scope: ['all'] });
	cl('scope-number', UNAUTH, { scope: 1 });
	cl('scope-object', UNAUTH, { scope: { all: true } });
	cl('scope-not-string-and-no-sub', SUB, { scope: 1, sub: null });
	cl('scope-without-item', FORBIDDEN, { scope: 'read write alls' });
	cl('scope-substring', FORBIDDEN, { scope: 'al' });
	cl('scope-missing-and-no-sub', SUB, { scope: null, sub: null });
	bearer('payload-array', JWT_INVALID, rawToken(H('ES384', 'es384'), '[]', 'ES384', priv('ES384')));
	bearer('payload-not-json', JWT_INVALID, rawToken(H('ES384', 'es384'), 'sub=x', 'ES384', priv('ES384')));

	// Accepted: signed by jose itself.
	const joseSign = async (alg, kid, over = {}) => {
		const header = { alg, typ: 'at+jwt', ...(kid ? { kid } : {}) };
		const pay = new TextEncoder().encode(claims(over));
		return new jose.CompactSign(pay).setProtectedHeader(header).sign(priv(alg));
	};
	const OK = '-';
	for (const a of ALGS) {
		const kid = a === 'EdDSA' ? 'ed25519' : a.toLowerCase();
		bearer(`ok-${a}`, OK, await joseSign(a, kid));
	}
	bearer('ok-aud-array', OK, await joseSign('ES384', 'es384', { aud: ['https://other.example', AUDIENCE] }));
	bearer('ok-no-kid-eddsa', OK, await joseSign('EdDSA', null));
	bearer('ok-no-kid-es384-two-candidates', OK, await joseSign('ES384', null));
	bearer('ok-no-kid-rs256', OK, await joseSign('RS256', null));
	bearer('ok-scope-several', OK, await joseSign('ES384', 'es384', { scope: 'read all write' }));
	bearer('ok-nbf-now', OK, await joseSign('ES384', 'es384', { nbf: t }));
	bearer('ok-no-typ', OK, rawToken('{"alg":"ES384","kid":"es384"}', C(), 'ES384', priv('ES384')));

	const out = [], expect = [];
	for (const [name, body, value] of cases) {
		if (/[\t\n]/.test(value))
			die(`case ${name} has a tab or newline`);
		out.push(`${name}\t${body === OK ? 200 : JSON.parse(body).code === 'auth.forbidden' ? 403 : 401}\t${value}`);
		expect.push(`${name}\t${body}`);
	}
	fs.writeFileSync(path.join(dir, 'cases-expect.tsv'), expect.join('\n') + '\n');
	process.stdout.write(out.join('\n') + '\n');
}

const [cmd, dir, a1, a2] = process.argv.slice(2);
if (!dir)
	die('usage: mint.mjs setup|token|cases DIR ...');
switch (cmd) {
case 'setup': await cmdSetup(dir, a1); break;
case 'token': await cmdToken(dir, a1, a2); break;
case 'cases': await cmdCases(dir); break;
default: die(`unknown command ${cmd}`);
}
