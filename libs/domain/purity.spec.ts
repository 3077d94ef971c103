import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * libs/domain stays pure: it imports nothing outside itself (no Nest, no database, no node
 * modules) and reads no clock, randomness or environment; `now` and ids arrive in commands.
 */
const ROOT = join(__dirname, 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g;
const IMPURE: [RegExp, string][] = [
  [/Date\.now\s*\(/, 'reads the clock (Date.now)'],
  [/new Date\(\s*\)/, 'reads the clock (new Date())'],
  [/Math\.random\s*\(/, 'draws randomness'],
  [/\bprocess\./, 'reads the process environment'],
  [/\b(setTimeout|setInterval|fetch)\s*\(/, 'does I/O or schedules work'],
  [/\bperformance\.now\s*\(/, 'reads the clock (performance.now)'],
  [/\bcrypto\./, 'draws ids or randomness'],
];

export function violations(files: string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const name = relative(ROOT, file);
    for (const match of text.matchAll(IMPORT)) {
      const specifier = match[1] ?? match[2] ?? match[3];
      const target = resolve(dirname(file), specifier);
      if (!specifier.startsWith('.') || !target.startsWith(ROOT)) found.push(`${name} imports ${specifier}`);
    }
    for (const [pattern, what] of IMPURE) if (pattern.test(text)) found.push(`${name} ${what}`);
  }
  return found;
}

describe('libs/domain purity', () => {
  it('imports nothing outside itself and reads no clock, randomness or environment', () => {
    const files = sources(ROOT);
    expect(files.length).toBeGreaterThan(10);
    expect(violations(files)).toEqual([]);
  });

  it('notices a framework import, a clock read and an escape from the folder', () => {
    const { mkdtempSync, writeFileSync } = jest.requireActual<typeof import('node:fs')>('node:fs');
    const dir = mkdtempSync(join(ROOT, '..', '.purity-'));
    const file = join(dir, 'bad.ts');
    try {
      writeFileSync(
        file,
        "import { Injectable } from '@nestjs/common';\nimport x from '../../policy/src';\nexport const t = Date.now();\n",
      );
      expect(violations([file])).toEqual([
        expect.stringMatching(/imports @nestjs\/common$/),
        expect.stringMatching(/imports \.\.\/\.\.\/policy\/src$/),
        expect.stringMatching(/reads the clock \(Date\.now\)$/),
      ]);
    } finally {
      jest.requireActual<typeof import('node:fs')>('node:fs').rmSync(dir, { recursive: true, force: true });
    }
  });
});
