'use strict';
// A fake AWS JSON protocol service for what no emulator does (DESIGN §7):
// throttling, 5xx, dropped connections and hung requests, for the retry
// tests.  Each request's JSON body says what to do:
//
//   {"id": "t1", "plan": ["throttle", "500", "ok"]}
//
// The n-th request carrying id "t1" gets plan[n] (the last entry once the
// plan is used up), so one call's retries walk through the plan:
//   ok        200 {"attempt": n}
//   throttle  400 {"__type": "ThrottlingException", "message": ...}
//   pte       400 namespaced ProvisionedThroughputExceededException
//   header    400, code only in X-Amzn-ErrorType, empty body
//   500 / 503 500 InternalFailure JSON / 503 plain text
//   drop      the connection is closed without an answer
//   hang      no answer at all (the client's timeout fires)
//   client    400 ValidationException;  notfound  400 ResourceNotFoundException
//   expired   400 ExpiredTokenException
//
//   node tests/servers/aws-fake.js [--port 0] [--ready-file F]
//        [--access-key AKID]   (then SIGV4_PROXY_SECRET: every request's
//                               signature is verified, bad ones counted)
//
// GET /__attempts?id=t1 answers {"attempts": n, "connections": k,
// "badSignatures": b, "dates": [...]}: k distinct TCP connections carried
// the n requests (keep-alive reuse shows as k == 1).
const fs = require('fs');
const http = require('http');
const path = require('path');
const { verify } = require('./sigv4-verify');

const opts = { port: 0, readyFile: null, accessKeyId: null, region: 'us-east-1', service: 'kinesis' };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  const v = argv[i + 1];
  if (argv[i] === '--port') opts.port = Number(v);
  else if (argv[i] === '--ready-file') opts.readyFile = v;
  else if (argv[i] === '--access-key') opts.accessKeyId = v;
  else if (argv[i] === '--region') opts.region = v;
  else {
    console.error(`aws-fake.js: unknown option ${argv[i]}`);
    process.exit(2);
  }
}

const calls = new Map(); // id -> {attempts, sockets: Set, bad, dates}
let nextSocketId = 0;

function json(res, status, obj, extraHeaders) {
  const text = obj === undefined ? '' : JSON.stringify(obj);
  res.writeHead(status, Object.assign({
    'Content-Type': 'application/x-amz-json-1.1',
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': `fake-${Date.now()}`,
  }, extraHeaders || {}));
  res.end(text);
}

const actions = {
  ok: (res, n) => json(res, 200, { attempt: n }),
  throttle: (res) => json(res, 400, { __type: 'ThrottlingException', message: 'Rate exceeded for shard shardId-000000000000' }),
  pte: (res) => json(res, 400, {
    __type: 'com.amazonaws.kinesis.v20131202#ProvisionedThroughputExceededException',
    message: 'Rate exceeded for shard',
  }),
  header: (res) => json(res, 400, undefined, { 'X-Amzn-ErrorType': 'ThrottlingException:http://internal.amazon.com/coral/' }),
  500: (res) => json(res, 500, { __type: 'InternalFailure', message: 'internal failure' }),
  503: (res) => {
    res.writeHead(503, { 'Content-Type': 'text/plain', 'Content-Length': 19 });
    res.end('Service Unavailable');
  },
  drop: (res, n, req) => req.socket.destroy(),
  hang: () => {},
  client: (res) => json(res, 400, { __type: 'ValidationException', message: '1 validation error detected' }),
  notfound: (res) => json(res, 400, {
    __type: 'com.amazonaws.kinesis.v20131202#ResourceNotFoundException', message: 'Stream s not found',
  }),
  expired: (res) => json(res, 400, { __type: 'ExpiredTokenException', message: 'The security token included in the request is expired' }),
};

const server = http.createServer((req, res) => {
  if (req.socket.fakeId === undefined) req.socket.fakeId = nextSocketId++;
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const url = new URL(req.url, 'http://x');
    if (req.method === 'GET' && url.pathname === '/__attempts') {
      const c = calls.get(url.searchParams.get('id'));
      return json(res, 200, c ? {
        attempts: c.attempts, connections: c.sockets.size, badSignatures: c.bad, dates: c.dates,
      } : { attempts: 0, connections: 0, badSignatures: 0, dates: [] });
    }
    const body = Buffer.concat(chunks).toString('utf8');
    let spec;
    try {
      spec = JSON.parse(body);
    } catch (err) {
      return json(res, 400, { __type: 'SerializationException', message: 'body is not JSON' });
    }
    const id = String(spec.id);
    const plan = Array.isArray(spec.plan) && spec.plan.length ? spec.plan : ['ok'];
    if (!calls.has(id)) calls.set(id, { attempts: 0, sockets: new Set(), bad: 0, dates: [] });
    const c = calls.get(id);
    const n = c.attempts++;
    c.sockets.add(req.socket.fakeId);
    c.dates.push(req.headers['x-amz-date']);
    if (opts.accessKeyId) {
      const why = verify(req, body, {
        accessKeyId: opts.accessKeyId, secretAccessKey: process.env.SIGV4_PROXY_SECRET,
        region: opts.region, service: opts.service,
        requiredHeaders: ['content-type', 'host', 'x-amz-date', 'x-amz-target'],
      });
      if (why) {
        c.bad++;
        console.log(`${id} attempt ${n}: bad signature: ${why}`);
      }
    }
    const what = plan[Math.min(n, plan.length - 1)];
    console.log(`${id} attempt ${n}: ${what}`);
    (actions[what] || actions.client)(res, n, req);
  });
});
server.keepAliveTimeout = 30000;

server.listen(opts.port, '127.0.0.1', () => {
  const port = server.address().port;
  console.log(`aws-fake listening on 127.0.0.1:${port}`);
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
