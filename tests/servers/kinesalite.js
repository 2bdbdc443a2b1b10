'use strict';
// Start kinesalite (an in-memory Kinesis emulator) for the integration tests.
//
//   node tests/servers/kinesalite.js [--port N] [--ready-file FILE]
//        [--tls-cert PEM --tls-key PEM] [--create-stream-ms N]
//        [--delete-stream-ms N] [--update-stream-ms N] [--shard-limit N]
//
// Listens on 127.0.0.1 only.  --port 0 (the default) lets the kernel pick a
// free port, so two tests never race for one; the port is written to
// --ready-file once connections are accepted, which is the harness's signal
// that the server is ready.  State lives in memory (memdown): nothing on disk.
// Stream operations complete at once by default (0 ms instead of kinesalite's
// 500 ms) so tests do not sleep; pass the options to get real delays.
const fs = require('fs');
const path = require('path');
const kinesalite = require('kinesalite');

function parseArgs(argv) {
  const opts = {
    port: 0, readyFile: null, tlsCert: null, tlsKey: null,
    createStreamMs: 0, deleteStreamMs: 0, updateStreamMs: 0, shardLimit: 50,
  };
  const numeric = {
    '--port': 'port', '--create-stream-ms': 'createStreamMs',
    '--delete-stream-ms': 'deleteStreamMs', '--update-stream-ms': 'updateStreamMs',
    '--shard-limit': 'shardLimit',
  };
  const strings = { '--ready-file': 'readyFile', '--tls-cert': 'tlsCert', '--tls-key': 'tlsKey' };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    const value = argv[i + 1];
    if (value === undefined) throw new Error(`${name} needs a value`);
    if (name in numeric) {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${name}: not a number: ${value}`);
      opts[numeric[name]] = n;
    } else if (name in strings) {
      opts[strings[name]] = value;
    } else {
      throw new Error(`unknown option ${name}`);
    }
    i++;
  }
  if (Boolean(opts.tlsCert) !== Boolean(opts.tlsKey)) {
    throw new Error('--tls-cert and --tls-key go together');
  }
  return opts;
}

let opts;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (err) {
  console.error(`kinesalite.js: ${err.message}`);
  process.exit(2);
}

const serverOptions = {
  createStreamMs: opts.createStreamMs,
  deleteStreamMs: opts.deleteStreamMs,
  updateStreamMs: opts.updateStreamMs,
  shardLimit: opts.shardLimit,
};
if (opts.tlsCert) {
  serverOptions.ssl = true;
  serverOptions.cert = fs.readFileSync(opts.tlsCert);
  serverOptions.key = fs.readFileSync(opts.tlsKey);
  serverOptions.ca = serverOptions.cert;
}

const server = kinesalite(serverOptions);
server.on('error', (err) => {
  console.error(`kinesalite.js: ${err.message}`);
  process.exit(1);
});
server.listen(opts.port, '127.0.0.1', () => {
  const port = server.address().port;
  console.log(`kinesalite listening on 127.0.0.1:${port}`);
  if (opts.readyFile) {
    // Written whole then renamed: the harness never reads half a number.
    const tmp = path.join(path.dirname(opts.readyFile), `.${path.basename(opts.readyFile)}.tmp`);
    fs.writeFileSync(tmp, `${port}\n`);
    fs.renameSync(tmp, opts.readyFile);
  }
});

function stop() {
  server.close(() => process.exit(0));
  // Open keep-alive connections would hold close() back: do not wait long.
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
