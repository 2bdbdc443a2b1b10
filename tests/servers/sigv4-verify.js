'use strict';
// Checks an AWS SigV4 Authorization header the way a service does, but with
// an implementation that is not ours: the npm package aws4 recomputes the
// signature from the request as received and the secret we were given.
// Used by sigv4-proxy.js and aws-fake.js.
//
//   verify(req, body, {accessKeyId, secretAccessKey, region, service,
//                      requiredHeaders}) -> null when valid, else a reason
//
// requiredHeaders: names that must be among SignedHeaders (x-amz-security-token
// is required too whenever the request carries one).
const aws4 = require('aws4');

const AUTH_RE = new RegExp('^AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, ' +
  'SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$');

function verify(req, body, opts) {
  const auth = req.headers.authorization;
  if (!auth) return 'no Authorization header';
  const m = AUTH_RE.exec(auth);
  if (!m) return `malformed Authorization header: ${auth}`;
  const [, accessKeyId, day, region, service, signedList, signature] = m;
  if (accessKeyId !== opts.accessKeyId) return `unknown access key ${accessKeyId}`;
  if (region !== opts.region) return `scope region ${region}, expected ${opts.region}`;
  if (service !== opts.service) return `scope service ${service}, expected ${opts.service}`;
  const amzDate = req.headers['x-amz-date'];
  if (!amzDate || !/^\d{8}T\d{6}Z$/.test(amzDate)) return 'missing or malformed X-Amz-Date';
  if (amzDate.slice(0, 8) !== day) return 'X-Amz-Date and the credential scope disagree';
  // A service refuses a request dated more than 5 minutes off its clock.
  const when = Date.UTC(+amzDate.slice(0, 4), +amzDate.slice(4, 6) - 1, +amzDate.slice(6, 8),
    +amzDate.slice(9, 11), +amzDate.slice(11, 13), +amzDate.slice(13, 15));
  if (Math.abs(Date.now() - when) > 5 * 60 * 1000) return `X-Amz-Date ${amzDate} is too far from now`;

  const signed = signedList.split(';');
  const required = (opts.requiredHeaders || []).slice();
  if (req.headers['x-amz-security-token'] !== undefined) required.push('x-amz-security-token');
  for (const name of required) {
    if (!signed.includes(name)) return `header ${name} is not signed (SignedHeaders=${signedList})`;
  }
  const headers = {};
  for (const name of signed) {
    if (req.headers[name] === undefined) return `signed header ${name} is missing`;
    headers[name] = req.headers[name];
  }
  const signer = new aws4.RequestSigner({
    method: req.method,
    host: req.headers.host,
    path: req.url,
    headers,
    body,
    service,
    region,
    doNotModifyHeaders: true,
  }, {
    accessKeyId,
    secretAccessKey: opts.secretAccessKey,
    sessionToken: req.headers['x-amz-security-token'],
  });
  signer.prepareRequest(); // parses the path; with doNotModifyHeaders adds nothing
  // Sign at the request's own time, as the service does.
  signer.datetime = amzDate;
  const expected = signer.signature();
  if (expected !== signature) {
    return 'signature mismatch';
  }
  return null;
}

module.exports = { verify };
