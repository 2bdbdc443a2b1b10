'use strict';
// A verifying reverse proxy for the SigV4 integration test: every request's
// signature is recomputed independently (sigv4-verify.js, on the npm package
// aws4) before it is passed on to the real service behind (kinesalite).  A
// request whose signature does not match gets 403 and the AWS JSON
// protocol's InvalidSignatureException, as from AWS itself.
//
//   node tests/servers/sigv4-proxy.js --target URL --access-key AKID
//        [--region us-east-1] [--service kinesis] [--port 0] [--ready-file F]
//
// The secret comes from the environment (SIGV4_PROXY_SECRET), never argv.
// Listens on 127.0.0.1.  GET /__stats answers {"verified": n, "rejected": n,
// "reasons": [...]}.  Required signed headers: content-type, host,
// x-amz-date, x-amz-target (+ x-amz-security-token when sent).
const fs = require('fs');
const http = require('http');
const path = require('path');
const { verify } = require('./sigv4-verify');

function parseArgs(argv) {
  const opts = { port: 0, region: 'us-east-1', service: 'kinesis' };
  const names = {
    '--target': 'target', '--access-key': 'accessKeyId', '--region': 'region',
    '--service': 'service', '--port': 'port', '--ready-file': 'readyFile',
  };
  for (let i = 0; i < argv.length; i += 2) {
    if (!(argv[i] in names) || argv[i + 1] === undefined) throw new Error(`bad option ${argv[i]}`);
    opts[names[argv[i]]] = argv[i + 1];
  }
  if (!opts.target || !opts.accessKeyId) throw new Error('--target and --access-key are required');
  opts.secretAccessKey = process.env.SIGV4_PROXY_SECRET;
  if (!opts.secretAccessKey) throw new Error('SIGV4_PROXY_SECRET is not set');
  return opts;
}

let opts;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (err) {
  console.error(`sigv4-proxy.js: ${err.message}`);
  process.exit(2);
}
const target = new URL(opts.target);
const stats = { verified: 0, rejected: 0, reasons: [] };

function reply(res, status, obj) {
  const text = JSON.stringify(obj);
  res.writeHead(status, { 'Content-Type': 'application/x-amz-json-1.1', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.method === 'GET' && req.url === '/__stats') return reply(res, 200, stats);
    const body = Buffer.concat(chunks);
    const why = verify(req, body.toString('utf8'), {
      accessKeyId: opts.accessKeyId, secretAccessKey: opts.secretAccessKey,
      region: opts.region, service: opts.service,
      requiredHeaders: ['content-type', 'host', 'x-amz-date', 'x-amz-target'],
    });
    if (why) {
      stats.rejected++;
      stats.reasons.push(why);
      console.log(`rejected ${req.headers['x-amz-target']}: ${why}`);
      return reply(res, 403, {
        __type: 'InvalidSignatureException',
        message: 'The request signature we calculated does not match the signature you provided.',
      });
    }
    stats.verified++;
    console.log(`verified ${req.headers['x-amz-target']}`);
    const headers = Object.assign({}, req.headers, { host: target.host });
    const up = http.request({
      hostname: target.hostname, port: target.port, path: req.url, method: req.method, headers,
    }, (upRes) => {
      res.writeHead(upRes.statusCode, upRes.headers);
      upRes.pipe(res);
    });
    up.on('error', (err) => reply(res, 502, { __type: 'BadGateway', message: err.message }));
    up.end(body);
  });
});

server.listen(Number(opts.port), '127.0.0.1', () => {
  const port = server.address().port;
  console.log(`sigv4-proxy listening on 127.0.0.1:${port}, forwarding to ${opts.target}`);
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
