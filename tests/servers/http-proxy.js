'use strict';
// A minimal forward HTTP proxy for the AWS core's tests: it passes on
// absolute-form requests ("POST http://host:port/ HTTP/1.1", what a client
// sends to a proxy for an http:// URL) and counts them, so a test can tell
// whether a client used the proxy from its environment or went direct.
//
//   node tests/servers/http-proxy.js [--port 0] [--ready-file F]
//
// GET /__stats (origin form, sent to the proxy itself) answers
// {"requests": n, "hosts": [...]}.  Listens on 127.0.0.1 only.
const fs = require('fs');
const http = require('http');
const path = require('path');

const opts = { port: 0, readyFile: null };
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  if (argv[i] === '--port') opts.port = Number(argv[i + 1]);
  else if (argv[i] === '--ready-file') opts.readyFile = argv[i + 1];
  else {
    console.error(`http-proxy.js: unknown option ${argv[i]}`);
    process.exit(2);
  }
}
const stats = { requests: 0, hosts: [] };

const server = http.createServer((req, res) => {
  if (!/^http:\/\//.test(req.url)) {
    const text = JSON.stringify(stats);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    return res.end(text);
  }
  const target = new URL(req.url);
  stats.requests++;
  stats.hosts.push(target.host);
  console.log(`${req.method} ${req.url}`);
  const up = http.request(target, { method: req.method, headers: req.headers, timeout: 2000 }, (upRes) => {
    res.writeHead(upRes.statusCode, upRes.headers);
    upRes.pipe(res);
  });
  up.on('timeout', () => up.destroy(new Error('upstream timed out')));
  up.on('error', (err) => {
    if (res.headersSent) return res.destroy();
    res.writeHead(502, { 'Content-Type': 'text/plain' });
    res.end(`proxy: ${err.message}`);
  });
  req.pipe(up);
});

server.listen(opts.port, '127.0.0.1', () => {
  const port = server.address().port;
  console.log(`http-proxy listening on 127.0.0.1:${port}`);
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
