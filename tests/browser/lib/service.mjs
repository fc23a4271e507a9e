// Starting and stopping `sfmovies up` for a test, and a static file server
// that plays a second origin and a fake map tile server.

import { spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const UI_DIST = join(ROOT, 'ui', 'dist');
export const DATA_DIR = process.env.SFMOVIES_DATA_DIR || resolve(ROOT, '..', 'shared', 'data');
export const REAL_CSV = join(DATA_DIR, 'film_locations_2026-04_2214rows.csv');

const READY_TIMEOUT_MS = 60000;
const STOP_GRACE_MS = 8000; // `sfmovies up` gives its children 5 s to stop
const POLL_MS = 200;

const running = new Set();

// A test that throws before its after() hook must not leave servers behind.
process.on('exit', () => {
  for (const child of running) {
    killGroup(child, 'SIGKILL');
  }
});

function killGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch (err) {
    if (err.code !== 'ESRCH') {
      throw err;
    }
  }
}

/** Returns the sfmovies binary: $SFMOVIES_BIN, else the scripts/test build. */
export function sfmoviesBin() {
  const bin = process.env.SFMOVIES_BIN || join(ROOT, 'build', 'test', 'cmd', 'sfmovies');
  if (!existsSync(bin)) {
    throw new Error(`sfmovies binary not found at ${bin}; build it or set SFMOVIES_BIN`);
  }
  return bin;
}

/** Returns a TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

async function waitReady(base, child, log) {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`sfmovies up exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${log()}`);
    }
    try {
      const response = await fetch(`${base}/readyz`, { signal: AbortSignal.timeout(2000) });
      if (response.ok) {
        return;
      }
    } catch (err) {
      // Not listening yet.
    }
    await sleep(POLL_MS);
  }
  throw new Error(`sfmovies up was not ready at ${base}/readyz within ${READY_TIMEOUT_MS} ms:\n${log()}`);
}

/**
 * Starts `sfmovies up` serving source with the map page from ui/dist, and
 * waits for /readyz. Returns {base, stop()}; stop() is safe to call twice.
 */
export async function startService(source, { nodes = 2 } = {}) {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'sfmovies-ui-test-'));
  const base = `http://127.0.0.1:${port}`;
  // A run folder of its own, because the default one (/tmp/sfmovies-UID)
  // is shared with any other `sfmovies up` of the same user.
  const args = ['up', '--source', source, '--nodes', String(nodes),
    '--listen', `127.0.0.1:${port}`, '--data-dir', dataDir,
    '--run-dir', join(dataDir, 'run'), '--refresh-interval', '0', '--ui', UI_DIST];
  // Its own process group, so that stopping it also reaches the nodes and
  // the gateway it starts.
  const child = spawn(sfmoviesBin(), args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  const collect = (chunk) => {
    output = (output + chunk.toString()).slice(-20000);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const exited = new Promise((done) => child.once('exit', done));

  let stopped = false;
  async function stop() {
    if (stopped) {
      return;
    }
    stopped = true;
    if (child.exitCode === null && child.signalCode === null) {
      killGroup(child, 'SIGTERM');
      const timer = sleep(STOP_GRACE_MS).then(() => 'timeout');
      if ((await Promise.race([exited, timer])) === 'timeout') {
        killGroup(child, 'SIGKILL');
        await exited;
      }
    }
    // Children that outlived the supervisor still belong to its group.
    killGroup(child, 'SIGKILL');
    running.delete(child);
    rmSync(dataDir, { recursive: true, force: true });
  }

  try {
    await waitReady(base, child, () => output);
  } catch (err) {
    await stop();
    throw err;
  }
  return { base, stop, log: () => output };
}

const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.map': 'application/json',
};

/** Encodes a 256×256 PNG of one colour with a darker line along two edges. */
function tilePng() {
  const size = 256;
  const rows = [];
  for (let y = 0; y < size; y++) {
    const row = Buffer.alloc(1 + size * 3);
    for (let x = 0; x < size; x++) {
      const edge = x === 0 || y === 0;
      row.fill(edge ? 0xd4 : 0xec, 1 + x * 3, 4 + x * 3);
    }
    rows.push(row);
  }
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) {
      c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    return c >>> 0;
  });
  const crc32 = (buf) => {
    let c = 0xffffffff;
    for (const byte of buf) {
      c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    }
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type, data) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/**
 * Starts a static server on 127.0.0.1 for folder, which also answers
 * /tiles/{z}/{x}/{y}.png with a plain tile: the stand-in for the public
 * tile server, which tests must not reach. Returns {base, tiles, requests,
 * stop()}; requests lists the paths asked for.
 */
export async function startStaticServer(folder) {
  const root = resolve(folder);
  const tile = tilePng();
  const requests = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    requests.push(path);
    if (/^\/tiles\/\d+\/\d+\/\d+\.png$/.test(path)) {
      res.writeHead(200, { 'Content-Type': 'image/png' });
      res.end(tile);
      return;
    }
    const file = normalize(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'Content-Type': CONTENT_TYPES[extname(file)] || 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', done));
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    base,
    tiles: `${base}/tiles/{z}/{x}/{y}.png`,
    requests,
    stop: () => new Promise((done) => {
      server.closeAllConnections();
      server.close(() => done());
    }),
  };
}
