'use strict';
// Preloaded (node --require) into test servers that hard-code their listen
// address: kinesis-local (kinesis-mock) binds "0.0.0.0", which becomes a
// wildcard listen on every interface.  Tests must only ever be reachable on
// loopback, so every TCP listen in this process is forced onto 127.0.0.1.
// Unix-socket and fd listens pass through unchanged.
const net = require('net');

const LOOPBACK = '127.0.0.1';
const originalListen = net.Server.prototype.listen;

net.Server.prototype.listen = function (...args) {
  const first = args[0];
  if (first !== null && typeof first === 'object' && !Array.isArray(first)) {
    // listen(options[, backlog][, cb]): only TCP options (a port) are changed.
    if (first.port !== undefined && first.path === undefined) {
      args[0] = Object.assign({}, first, { host: LOOPBACK });
    }
  } else if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) {
    // listen(port[, host][, backlog][, cb]): replace or insert the host.
    if (typeof args[1] === 'string') {
      args[1] = LOOPBACK;
    } else {
      args.splice(1, 0, LOOPBACK);
    }
  } else if (first === undefined || typeof first === 'function') {
    // listen([cb]): an ephemeral port on every interface; keep it on loopback.
    args.splice(0, 0, 0, LOOPBACK);
  }
  return originalListen.apply(this, args);
};
