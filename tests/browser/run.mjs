// Builds the map page and runs its unit tests (ui/test) and browser tests
// in one run of node's test runner.
//
//   node tests/browser/run.mjs [TEST_FILE...]
//
//   SFMOVIES_BIN       sfmovies binary (default build/test/cmd/sfmovies)
//   SFMOVIES_DATA_DIR  folder with the DataSF exports (default ../shared/data)
//   CHROMIUM_BIN       Chromium (default /usr/bin/chromium)
//
// Installs the npm packages of ui/ and tests/browser/ from their lock files
// when node_modules is missing. Screenshots go to build/test-output/.

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const ui = join(root, 'ui');

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`browser tests: ${command} ${args.join(' ')} failed in ${cwd}`);
    process.exit(result.status || 1);
  }
}

for (const folder of [ui, here]) {
  if (!existsSync(join(folder, 'node_modules'))) {
    run('npm', ['ci', '--no-audit', '--no-fund'], folder);
  }
}
run('npm', ['run', 'build', '--silent'], ui);

const unitTests = readdirSync(join(ui, 'test'))
  .filter((name) => name.endsWith('.test.js'))
  .map((name) => join(ui, 'test', name));
const browserTests = ['map.test.mjs', 'markup.test.mjs'].map((name) => join(here, name));
const files = process.argv.slice(2).length > 0
  ? process.argv.slice(2)
  : [...unitTests, ...browserTests];
// One file at a time: each starts its own service and browser, and the
// machines that run these tests may have two cores.
const tests = spawnSync(process.execPath,
  ['--test', '--test-concurrency=1', ...files],
  { cwd: root, stdio: 'inherit' });
process.exit(tests.status ?? 1);
