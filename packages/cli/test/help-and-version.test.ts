// `seclog --version` and `seclog help <command>`: what a newcomer types first.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runCli } from '@seclog/cli';

async function seclog(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    isTTY: false,
  });
  return { code, stdout, stderr };
}

const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

describe('seclog --version', () => {
  it("prints @seclog/cli's version", async () => {
    expect(await seclog('--version')).toEqual({
      code: 0,
      stdout: `${PACKAGE_VERSION}\n`,
      stderr: '',
    });
  });
});

describe('seclog help', () => {
  it.each(['verify', 'tail', 'keys'])(
    'prints the usage of %s and what its options do',
    async (c) => {
      const r = await seclog('help', c);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^usage: seclog ${c} `));
      expect((await seclog(c, '--help')).stdout).toBe(r.stdout);
    },
  );

  it('lists every tail filter', async () => {
    const { stdout } = await seclog('help', 'tail');
    for (const flag of ['--event', '--user', '--address', '--since', '--severity', '--json'])
      expect(stdout).toContain(flag);
  });

  it('says that verify fails (exit 1) on a path with no seclog files', async () => {
    const { stdout } = await seclog('help', 'verify');
    expect(stdout).toMatch(
      /Exit 0 intact, 1 a break found \(named on stderr\) or no seclog files at <dir>/,
    );
  });

  it('exits 2 naming an unknown command and listing the commands there are', async () => {
    for (const args of [
      ['help', 'nosuch'],
      ['help', 'constructor'],
      ['nosuch'],
      ['nosuch', '--help'],
    ]) {
      const r = await seclog(...args);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(
        new RegExp(
          `^seclog${args[0] === 'help' ? ' help' : ''}: unknown command ${args[0] === 'help' ? args[1] : args[0]}; the commands are verify, tail, keys, rules, help\nusage:\n`,
        ),
      );
    }
  });

  it('prints the help of help, exit 0', async () => {
    const r = await seclog('help', 'help');
    expect(r).toEqual({
      code: 0,
      stdout: expect.stringMatching(/^usage: seclog help \[<command>\]\n/),
      stderr: '',
    });
    expect(r.stdout).toContain('verify, tail, keys, rules, help');
    expect((await seclog('help', '--help')).stdout).toBe(r.stdout);
  });

  it('prints the overview, naming help and --version', async () => {
    const r = await seclog('help');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('seclog help <command>');
    expect(r.stdout).toContain('seclog --version');
  });
});
