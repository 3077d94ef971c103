import { run } from '../../apps/cli/src/cli';

/** Runs the `loanflow` CLI in this process with the given environment, collecting what it prints. */
export async function cli(argv: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await run(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, env);
  return { code, out, err };
}
