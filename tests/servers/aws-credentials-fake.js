'use strict';
// A fake of the three credential endpoints no emulator provides (DESIGN §7),
// plus a service that accepts only what they issued, on 127.0.0.1 only:
//
//   STS (AWS Query protocol: form POST, XML answer)
//     POST /sts/  Action=AssumeRole (SigV4-signed, service "sts", checked with
//                 the npm aws4 package against the secrets below)
//                 Action=AssumeRoleWithWebIdentity (unsigned; the token must
//                 be the one given by FAKE_WEB_IDENTITY_TOKEN)
//   ECS container credentials
//     GET /ecs/...  (any path below /ecs/): needs "Authorization: <token>"
//                   equal to FAKE_ECS_TOKEN
//   EC2 instance metadata, IMDSv2 only
//     PUT /latest/api/token  (X-aws-ec2-metadata-token-ttl-seconds required)
//     GET /latest/meta-data/iam/security-credentials/[ROLE]
//     GET /latest/meta-data/placement/region
//     (every GET needs X-aws-ec2-metadata-token; without it 401, as with
//     IMDSv1 turned off)
//   a service: POST / with X-Amz-Target: 200 {"caller": AKID, "issuedBy":
//     "sts"|"ecs"|"imds"|"static"} when the signature verifies with a secret
//     this fake knows; 403 when not; 400 ExpiredTokenException once the
//     credentials it issued have expired.
//
// Every credential it issues is new (ASIA + kind + counter) and expires
// after `expiresIn` seconds (default 3600).
//
//   node tests/servers/aws-credentials-fake.js [--port 0] [--ready-file F]
//   FAKE_KNOWN_KEYS="AKID:SECRET,..."  long-term keys it accepts
//   FAKE_WEB_IDENTITY_TOKEN, FAKE_ECS_TOKEN
//
// Control (GET):
//   /__set?expiresIn=N&stsError=CODE&serviceLifetime=S   (stsError= clears it;
//     serviceLifetime: the service answers ExpiredTokenException for issued
//     credentials older than S seconds, whatever their Expiration said; 0 off)
//   /__stats   counts per endpoint and the last parameters each got (the
//              web identity and ECS tokens are reported as matched or not,
//              never echoed)
const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const path = require('path');
const { verify } = require('./sigv4-verify');

const opts = { port: 0, readyFile: null };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  if (argv[i] === '--port') opts.port = Number(argv[i + 1]);
  else if (argv[i] === '--ready-file') opts.readyFile = argv[i + 1];
  else {
    console.error(`aws-credentials-fake.js: unknown option ${argv[i]}`);
    process.exit(2);
  }
}

const keys = new Map(); // AKID -> {secret, token, expires (ms) | 0, issuedBy}
for (const pair of (process.env.FAKE_KNOWN_KEYS || '').split(',').filter(Boolean)) {
  const [id, secret] = pair.split(':');
  keys.set(id, { secret, token: undefined, expires: 0, issuedBy: 'static' });
}
const state = { expiresIn: 3600, stsError: '', counter: 0, serviceLifetime: 0 };
const stats = {
  assumeRole: 0, webIdentity: 0, stsRejected: 0, ecs: 0, ecsRejected: 0,
  imdsToken: 0, imdsRole: 0, imdsCredentials: 0, imdsRejected: 0, imdsRegion: 0,
  serviceOk: 0, serviceBadSignature: 0, serviceExpired: 0,
  lastSts: null, lastImdsTtl: null, callers: [],
};
const imdsTokens = new Set();

function issue(kind) {
  state.counter += 1;
  const id = `ASIA${kind.toUpperCase()}${String(state.counter).padStart(8, '0')}`;
  const c = {
    secret: crypto.randomBytes(30).toString('base64'),
    token: `TOKEN${kind}${state.counter}/${crypto.randomBytes(40).toString('base64')}`,
    expires: Date.now() + state.expiresIn * 1000,
    issuedAt: Date.now(),
    issuedBy: kind,
  };
  keys.set(id, c);
  return { id, ...c, expiration: new Date(c.expires).toISOString().replace(/\.\d+Z$/, 'Z') };
}

function send(res, status, type, text, extra) {
  res.writeHead(status, Object.assign({ 'Content-Type': type, 'Content-Length': Buffer.byteLength(text) }, extra || {}));
  res.end(text);
}
const json = (res, status, obj) => send(res, status, 'application/json', JSON.stringify(obj));
const xmlEscape = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function stsError(res, status, code, message) {
  stats.stsRejected += 1;
  send(res, status, 'text/xml', `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <Error><Type>Sender</Type><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error>
  <RequestId>fake-${Date.now()}</RequestId>
</ErrorResponse>
`);
}

function signedKey(req, body, service) {
  const m = /Credential=([^/]+)\//.exec(req.headers.authorization || '');
  const c = m && keys.get(m[1]);
  if (!c) return { why: `unknown access key ${m ? m[1] : '(none)'}` };
  if (c.token !== undefined && req.headers['x-amz-security-token'] !== c.token) return { why: 'wrong session token' };
  const region = (/Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(req.headers.authorization) || [])[1];
  const why = verify(req, body, {
    accessKeyId: m[1], secretAccessKey: c.secret, region, service,
    requiredHeaders: ['host', 'x-amz-date'],
  });
  return why ? { why } : { id: m[1], c, region };
}

function sts(req, res, body) {
  const p = new URLSearchParams(body);
  const action = p.get('Action');
  const last = {
    action, version: p.get('Version'), roleArn: p.get('RoleArn'), roleSessionName: p.get('RoleSessionName'),
    externalId: p.get('ExternalId'), durationSeconds: p.get('DurationSeconds'), contentType: req.headers['content-type'],
  };
  stats.lastSts = last;
  if (state.stsError) return stsError(res, 403, state.stsError, `fake refusal ${state.stsError}`);
  if (action === 'AssumeRole') {
    const k = signedKey(req, body, 'sts');
    last.signedWith = k.id || null;
    last.region = k.region || null;
    if (k.why) {
      console.log(`sts AssumeRole refused: ${k.why}`);
      return stsError(res, 403, 'SignatureDoesNotMatch', k.why);
    }
    if (Date.now() > k.c.expires && k.c.expires) return stsError(res, 400, 'ExpiredToken', 'The security token included in the request is expired');
    stats.assumeRole += 1;
  } else if (action === 'AssumeRoleWithWebIdentity') {
    last.authorization = req.headers.authorization !== undefined;
    last.tokenMatched = p.get('WebIdentityToken') === process.env.FAKE_WEB_IDENTITY_TOKEN;
    if (!last.tokenMatched) return stsError(res, 400, 'InvalidIdentityToken', 'The web identity token is not valid');
    stats.webIdentity += 1;
  } else {
    return stsError(res, 400, 'InvalidAction', `unknown action ${action}`);
  }
  if (!p.get('RoleArn') || !p.get('RoleSessionName')) return stsError(res, 400, 'ValidationError', 'RoleArn and RoleSessionName are required');
  const c = issue('sts');
  keys.get(c.id).role = p.get('RoleArn');
  const result = action === 'AssumeRole' ? 'AssumeRoleResult' : 'AssumeRoleWithWebIdentityResult';
  send(res, 200, 'text/xml', `<${action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <${result}>
    <AssumedRoleUser><Arn>${xmlEscape(p.get('RoleArn'))}/${xmlEscape(p.get('RoleSessionName'))}</Arn><AssumedRoleId>AROAFAKE:${xmlEscape(p.get('RoleSessionName'))}</AssumedRoleId></AssumedRoleUser>
    <Credentials>
      <AccessKeyId>${c.id}</AccessKeyId>
      <SecretAccessKey>${xmlEscape(c.secret)}</SecretAccessKey>
      <SessionToken>${xmlEscape(c.token)}</SessionToken>
      <Expiration>${c.expiration}</Expiration>
    </Credentials>
  </${result}>
  <ResponseMetadata><RequestId>fake-${Date.now()}</RequestId></ResponseMetadata>
</${action}Response>
`);
}

function ecs(req, res) {
  if (req.headers.authorization !== process.env.FAKE_ECS_TOKEN) {
    stats.ecsRejected += 1;
    return json(res, 403, { code: 'AccessDenied', message: 'bad or missing authorization token' });
  }
  stats.ecs += 1;
  const c = issue('ecs');
  json(res, 200, { AccessKeyId: c.id, SecretAccessKey: c.secret, Token: c.token, Expiration: c.expiration, RoleArn: 'arn:aws:iam::123456789012:role/ecs-task' });
}

function imds(req, res, url) {
  if (req.method === 'PUT' && url.pathname === '/latest/api/token') {
    const ttl = req.headers['x-aws-ec2-metadata-token-ttl-seconds'];
    stats.lastImdsTtl = ttl === undefined ? null : ttl;
    if (!ttl || !(Number(ttl) >= 1 && Number(ttl) <= 21600)) {
      stats.imdsRejected += 1;
      return send(res, 400, 'text/plain', 'missing or invalid TTL');
    }
    if (req.headers['x-forwarded-for']) return send(res, 403, 'text/plain', 'forwarded');
    stats.imdsToken += 1;
    const token = crypto.randomBytes(24).toString('base64');
    imdsTokens.add(token);
    return send(res, 200, 'text/plain', token, { 'X-aws-ec2-metadata-token-ttl-seconds': ttl });
  }
  if (req.method !== 'GET') return send(res, 405, 'text/plain', 'method not allowed');
  if (!imdsTokens.has(req.headers['x-aws-ec2-metadata-token'])) {
    stats.imdsRejected += 1;
    return send(res, 401, 'text/plain', 'Unauthorized');
  }
  const base = '/latest/meta-data/iam/security-credentials/';
  if (url.pathname === '/latest/meta-data/placement/region') {
    stats.imdsRegion += 1;
    return send(res, 200, 'text/plain', 'eu-north-1');
  }
  if (url.pathname === base) {
    stats.imdsRole += 1;
    return send(res, 200, 'text/plain', 'sluice-instance-role');
  }
  if (url.pathname === `${base}sluice-instance-role`) {
    stats.imdsCredentials += 1;
    const c = issue('imds');
    return json(res, 200, {
      Code: 'Success', LastUpdated: new Date().toISOString(), Type: 'AWS-HMAC',
      AccessKeyId: c.id, SecretAccessKey: c.secret, Token: c.token, Expiration: c.expiration,
    });
  }
  return send(res, 404, 'text/plain', 'Not Found');
}

function service(req, res, body) {
  const k = signedKey(req, body, 'kinesis');
  if (k.why) {
    stats.serviceBadSignature += 1;
    console.log(`service: bad signature: ${k.why}`);
    return json(res, 403, { __type: 'UnrecognizedClientException', message: 'The security token included in the request is invalid.' });
  }
  if (k.c.expires && (Date.now() > k.c.expires ||
      (state.serviceLifetime && Date.now() - k.c.issuedAt > state.serviceLifetime * 1000))) {
    stats.serviceExpired += 1;
    return json(res, 400, { __type: 'ExpiredTokenException', message: 'The security token included in the request is expired' });
  }
  stats.serviceOk += 1;
  stats.callers.push(k.id);
  json(res, 200, { caller: k.id, issuedBy: k.c.issuedBy, role: k.c.role || null });
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url, 'http://x');
    if (url.pathname === '/__stats') return json(res, 200, stats);
    if (url.pathname === '/__set') {
      const q = url.searchParams;
      if (q.has('expiresIn')) state.expiresIn = Number(q.get('expiresIn'));
      if (q.has('stsError')) state.stsError = q.get('stsError');
      if (q.has('serviceLifetime')) state.serviceLifetime = Number(q.get('serviceLifetime'));
      return json(res, 200, state);
    }
    if (req.method === 'POST' && url.pathname.startsWith('/sts/')) return sts(req, res, body);
    if (url.pathname.startsWith('/ecs/')) return ecs(req, res);
    if (url.pathname.startsWith('/latest/')) return imds(req, res, url);
    if (req.method === 'POST' && req.headers['x-amz-target']) return service(req, res, body);
    return send(res, 404, 'text/plain', 'Not Found');
  });
});

server.listen(opts.port, '127.0.0.1', () => {
  const port = server.address().port;
  console.log(`aws-credentials-fake listening on 127.0.0.1:${port}`);
  if (opts.readyFile) {
    const tmp = path.join(path.dirname(opts.readyFile), `.${path.basename(opts.readyFile)}.tmp`);
    fs.writeFileSync(tmp, `${port}\n`);
    fs.renameSync(tmp, opts.readyFile);
  }
});
function stop() {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
