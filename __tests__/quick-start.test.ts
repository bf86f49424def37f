// README's quick start as a newcomer runs it, offline: one command
// synthesizes, one tests, and the synth prints no error. The cdktf CLI's
// usage report to HashiCorp's checkpoint service is what printed
// `[ERROR] … checkpoint-api…` offline; `npm run synth` turns it off.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..');
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8');

/** The commands of README's first sh block after "## Quick start from the source", comments dropped. */
function quickStartCommands(): string[] {
  const readme = read('README.md');
  const section = readme.split(/^## Quick start from the source$/m)[1] ?? '';
  const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  return block.split('\n').map((l) => l.replace(/#.*$/, '').trim()).filter(Boolean);
}

describe('the quick start', () => {
  it('is two commands: one synthesizes, one tests', () => {
    expect(quickStartCommands()).toEqual(['npm ci && npm run synth', 'npm test']);
  });

  it('synthesizes with the checkpoint call off, and cdktf.json turns crash reports off', () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    expect(pkg.scripts.synth).toMatch(/^CHECKPOINT_DISABLE=1 cdktf synth$/);
    // cdktf-cli 0.21 reports crashes only for true or "true".
    expect(JSON.parse(read('cdktf.json')).sendCrashReports).toBe('false');
  });

  it('CI runs the README test command, and the integration tier README names', () => {
    const ci = read('.ci/run').split('\n').map((l) => l.replace(/#.*$/, '').trim());
    expect(ci).toContain(quickStartCommands()[1]);
    expect(ci).toContain('npm run test:integration');
    expect(read('README.md')).toContain('npm run test:integration');
  });

  it('`npm run synth` prints no error and writes the seed stack', () => {
    const out = mkdtempSync(join(tmpdir(), 'weave-quick-start-'));
    try {
      const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0', npm_config_update_notifier: 'false' };
      // The script itself must turn the checkpoint call off.
      delete env.CHECKPOINT_DISABLE;
      // A CLI config path that points nowhere makes terraform warn (printed as [ERROR] by cdktf);
      // that is the machine's setting, not the quick start's.
      if (env.TF_CLI_CONFIG_FILE && !existsSync(env.TF_CLI_CONFIG_FILE)) delete env.TF_CLI_CONFIG_FILE;
      const res = spawnSync('npm', ['run', '--silent', 'synth', '--', '--output', out], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
      const output = `${res.stdout}${res.stderr}`;
      expect(output).not.toMatch(/\[ERROR\]|checkpoint/i);
      expect(output).toContain('Generated Terraform code for the stacks: weave-seed');
      expect(res.status).toBe(0);
      expect(existsSync(join(out, 'stacks', 'weave-seed', 'cdk.tf.json'))).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);
});
