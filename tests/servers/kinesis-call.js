'use strict';
// One call to a Kinesis JSON API endpoint (kinesalite, kinesis-mock), for
// test scripts that set up or inspect streams without going through sluice.
//
//   node tests/servers/kinesis-call.js ENDPOINT ACTION [JSON-BODY]
//   e.g. kinesis-call.js http://127.0.0.1:4567 CreateStream '{"StreamName":"s","ShardCount":1}'
//
// Prints the response body on stdout; exits 1 (body on stderr) on a non-2xx
// answer or a connection error.  The request is not signed: both emulators
// only want an Authorization header to be present, so a well-formed dummy
// one is sent.  For https, SLUICE_TEST_CA is trusted when set; otherwise
// the certificate is not verified (emulators' own certificates).
const http = require('http');
const https = require('https');
const fs = require('fs');

const [endpoint, action, body = '{}'] = process.argv.slice(2);
if (!endpoint || !action) {
  console.error('usage: kinesis-call.js ENDPOINT ACTION [JSON-BODY]');
  process.exit(2);
}
const url = new URL(endpoint);
const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+/, '');
const region = process.env.AWS_REGION || 'us-east-1';
const options = {
  method: 'POST',
  hostname: url.hostname,
  port: url.port,
  path: url.pathname || '/',
  headers: {
    'Content-Type': 'application/x-amz-json-1.1',
    'X-Amz-Target': `Kinesis_20131202.${action}`,
    'X-Amz-Date': date,
    'Authorization': `AWS4-HMAC-SHA256 Credential=AKIDSLUICETEST/${date.slice(0, 8)}/${region}/kinesis/aws4_request, ` +
      'SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=' + '0'.repeat(64),
    'Content-Length': Buffer.byteLength(body),
  },
  timeout: 30000,
};
let transport = http;
if (url.protocol === 'https:') {
  transport = https;
  if (process.env.SLUICE_TEST_CA) {
    options.ca = fs.readFileSync(process.env.SLUICE_TEST_CA);
  } else {
    options.rejectUnauthorized = false;
  }
}

const req = transport.request(options, (res) => {
  const chunks = [];
  res.on('data', (c) => chunks.push(c));
  res.on('end', () => {
    const text = Buffer.concat(chunks).toString('utf8');
    if (res.statusCode >= 200 && res.statusCode < 300) {
      process.stdout.write(text + '\n');
    } else {
      process.stderr.write(`HTTP ${res.statusCode}: ${text}\n`);
      process.exitCode = 1;
    }
  });
});
req.on('timeout', () => req.destroy(new Error('timed out')));
req.on('error', (err) => {
  process.stderr.write(`kinesis-call.js: ${err.message}\n`);
  process.exitCode = 1;
});
req.end(body);
