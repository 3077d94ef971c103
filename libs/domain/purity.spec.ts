import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * libs/domain reads no clock, randomness or environment: `now` and ids arrive in commands. (What it
 * imports is the boundary check's to say: .dependency-cruiser.cjs, rule domain-is-pure.)
 */
const ROOT = join(__dirname, 'src');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

const IMPURE: [RegExp, string][] = [
  [/Date\.now\s*\(/, 'reads the clock (Date.now)'],
  [/\bDate\s*\(\s*\)/, 'reads the clock (Date() or new Date())'],
  [/Math\.random\s*\(/, 'draws randomness'],
  [/\bprocess\./, 'reads the process environment'],
  [/\b(setTimeout|setInterval|setImmediate|fetch)\s*\(/, 'does I/O or schedules work'],
  [/\bperformance\.now\s*\(/, 'reads the clock (performance.now)'],
  [/\bcrypto\./, 'draws ids or randomness'],
];

export function violations(files: string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const [pattern, what] of IMPURE) if (pattern.test(text)) found.push(`${relative(ROOT, file)} ${what}`);
  }
  return found;
}

describe('libs/domain purity', () => {
  it('reads no clock, randomness or environment', () => {
    const files = sources(ROOT);
    expect(files.length).toBeGreaterThan(10);
    expect(violations(files)).toEqual([]);
  });

  it('notices a clock read with or without new, randomness and the environment', () => {
    const dir = mkdtempSync(join(ROOT, '..', '.purity-'));
    const file = join(dir, 'bad.ts');
    try {
      writeFileSync(file, 'export const a = Date();\nexport const b = Math.random();\nexport const c = process.env.X;\n');
      expect(violations([file])).toEqual([
        expect.stringMatching(/reads the clock \(Date\(\) or new Date\(\)\)$/),
        expect.stringMatching(/draws randomness$/),
        expect.stringMatching(/reads the process environment$/),
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
