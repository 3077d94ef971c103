#!/usr/bin/env node
/**
 * `npm start` and `npm run demo` build only when the build is missing or older than a source:
 * install has just built it, and a rebuild costs half a minute. `--stamp` records a finished build
 * (the last step of `npm run build`).
 */
const { execSync } = require('node:child_process');
const { existsSync, readdirSync, statSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const stamp = join(root, 'dist', '.built');

if (process.argv.includes('--stamp')) {
  writeFileSync(stamp, `${new Date().toISOString()}\n`);
  process.exit(0);
}

/** The newest modification time of what goes into the build. */
function newest(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let latest = 0;
  for (const entry of readdirSync(path, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist' || entry.name.startsWith('.')) continue;
    if (entry.isFile() && /\.spec(-suite)?\.tsx?$/.test(entry.name)) continue;
    latest = Math.max(latest, newest(join(path, entry.name)));
  }
  return latest;
}

const inputs = ['apps', 'libs', 'bench', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json']
  .map((p) => join(root, p))
  .filter(existsSync);
const built = existsSync(stamp) ? statSync(stamp).mtimeMs : 0;
const changed = Math.max(...inputs.map(newest));
if (built >= changed && existsSync(join(root, 'dist', 'apps', 'api', 'src', 'main.js'))) {
  console.log('build is up to date (dist/.built)');
} else {
  console.log(built === 0 ? 'no build yet: building' : 'sources changed since the last build: building');
  execSync('npm run build', { cwd: root, stdio: 'inherit' });
}
