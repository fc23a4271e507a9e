// Builds the map page into dist/: the page, config.js, one minified script
// and one stylesheet (with Leaflet's and the cluster plugin's styles), and
// the images they refer to. Prints the page weight.
//
//   node build.mjs   (npm run build)

import { copyFileSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

import * as esbuild from 'esbuild';

const root = dirname(fileURLToPath(import.meta.url));
const dist = join(root, 'dist');

rmSync(dist, { recursive: true, force: true });
mkdirSync(dist, { recursive: true });

// An IIFE rather than an ES module: browsers refuse module scripts from
// file:// URLs, and the page must also work opened as a file.
await esbuild.build({
  entryPoints: { app: join(root, 'src/main.js') },
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2019'],
  sourcemap: 'linked',
  outdir: dist,
  logLevel: 'warning',
});

await esbuild.build({
  entryPoints: { app: join(root, 'src/style.css') },
  bundle: true,
  minify: true,
  loader: { '.png': 'file' },
  assetNames: 'images/[name]-[hash]',
  outdir: dist,
  logLevel: 'warning',
});

copyFileSync(join(root, 'index.html'), join(dist, 'index.html'));
copyFileSync(join(root, 'config.js'), join(dist, 'config.js'));

// The page weight: what a first visit downloads before any tile or API reply.
let raw = 0;
let gzipped = 0;
for (const name of ['index.html', 'config.js', 'app.js', 'app.css']) {
  const bytes = readFileSync(join(dist, name));
  const size = gzipSync(bytes, { level: 9 }).length;
  raw += bytes.length;
  gzipped += size;
  console.log(`${name.padEnd(11)} ${String(bytes.length).padStart(7)} B  ${String(size).padStart(6)} B gzip`);
}
console.log(`${'total'.padEnd(11)} ${String(raw).padStart(7)} B  ${String(gzipped).padStart(6)} B gzip`);
