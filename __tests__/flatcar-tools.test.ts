// The units and scripts the library ships use only tools Flatcar ships, with
// Flatcar's limits: every command they run maps to a package of the Flatcar
// image (fixtures/flatcar/image-packages.txt, with provenance), and no jq
// filter uses regex (Flatcar's jq is built without oniguruma). The boot
// tier's guest has the same limits (guest/flatcar-limits.sh), so a unit that
// needs more fails there too.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BootDocument as BootConfig } from '../lib/core/boot/document';
import { pullScript, weaveWrapper } from '../lib/core/boot/images';
import { keyVaultFetchScript, withKeyVaultFetch } from '../lib/core/boot/key-vault';
import { reclaimScript, teardownScript } from '../lib/core/boot/retire';
import { FLATCAR } from '../lib/core/os/flatcar';
import { weaveBootDocument as buildBootConfig, sharedEnvContent } from '../lib/core/boot/weave';
import { planNetwork } from '../lib/core/plan/plan';
import { renderScript } from '../lib/core/render';
import { seedSpec } from './fixtures/seed-spec';

/** Flatcar package of each tool, and where Flatcar has it. */
const FLATCAR_TOOL: Record<string, string> = {
  bash: 'app-shells/bash',
  curl: 'net-misc/curl',
  jq: 'app-misc/jq',
  docker: 'app-containers/docker-cli',
  ip: 'sys-apps/iproute2',
  networkctl: 'sys-apps/systemd',
  systemctl: 'sys-apps/systemd',
  grep: 'sys-apps/grep',
  base64: 'sys-apps/coreutils', cat: 'sys-apps/coreutils', chmod: 'sys-apps/coreutils', chown: 'sys-apps/coreutils',
  dirname: 'sys-apps/coreutils', head: 'sys-apps/coreutils', ln: 'sys-apps/coreutils', mkdir: 'sys-apps/coreutils',
  mktemp: 'sys-apps/coreutils', mv: 'sys-apps/coreutils', rm: 'sys-apps/coreutils', sha256sum: 'sys-apps/coreutils',
  date: 'sys-apps/coreutils', sleep: 'sys-apps/coreutils', wc: 'sys-apps/coreutils', id: 'sys-apps/coreutils', test: 'sys-apps/coreutils',
  sort: 'sys-apps/coreutils',
  awk: 'sys-apps/gawk',
  cmp: 'sys-apps/diffutils',
  sudo: 'app-admin/sudo',
};

const FLATCAR_PACKAGES = new Set(
  readFileSync(join(__dirname, 'fixtures/flatcar/image-packages.txt'), 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')),
);

const SHELL_WORDS = new Set(['if', 'then', 'else', 'elif', 'fi', 'for', 'in', 'do', 'done', 'while', 'case', 'esac', 'until', 'function', 'return', 'exit', 'exec', 'local', 'set', 'trap', 'echo', 'printf', 'read', 'export', 'true', 'false', 'shift', 'break', 'continue', ':', '[', '[[', 'umask', 'cd', 'log', 'fetch_once', 'put', 'why', 'tmp', 'code', 'attempt', 'delay', 'had_file', 'missing', 'changed']);

/** Commands a shell text runs: first words of its simple commands (a close reading, not a parser). */
export function commandsOf(text: string): string[] {
  const out = new Set<string>();
  const code = text.split('\n').filter((l) => !/^\s*#/.test(l)).join('\n')
    // Heredoc bodies and quoted strings are data, not commands.
    .replace(/<<'(\w+)'\n[\s\S]*?\n\1\n/g, '\n')
    .replace(/"[^"\n]*"/g, '""')
    .replace(/'[^'\n]*'/g, "''");
  for (const m of code.matchAll(/\/usr\/s?bin\/([A-Za-z0-9_.-]+)/g)) out.add(m[1]);
  for (const part of code.split(/;|&&|\|\||\||\$\(|\bthen\b|\bdo\b|\belse\b|!|\{|\(|\n|`/)) {
    const word = part.trim().split(/\s+/)[0] ?? '';
    if (/^[a-z][a-z0-9_-]*$/.test(word) && !SHELL_WORDS.has(word) && !/=/.test(part.trim().split(/\s+/)[0])) out.add(word);
  }
  return [...out].sort();
}

/** Every command line the units run: Exec*= values, with `bash -c` bodies read as shell. */
function unitCommands(boot: BootConfig): string[] {
  const out = new Set<string>();
  for (const u of boot.units) {
    for (const text of [u.contents ?? '', ...(u.dropIns ?? []).map((d) => d.contents)]) {
      for (const line of text.split('\n')) {
        const m = /^Exec[A-Za-z]*=[-@:+!|]*(.*)$/.exec(line);
        if (!m) continue;
        const body = /^\/usr\/bin\/bash -c '(.*)'$/.exec(m[1]);
        for (const c of commandsOf(body ? body[1] : m[1])) out.add(c);
        if (body) out.add('bash');
      }
    }
  }
  return [...out];
}

const plan = planNetwork(seedSpec({ release: { version: '2.9.0', scriptUrl: 'https://github.com/rajch/weave/releases/download/v2.9.0/weave', imageOwner: 'rajchaudhuri', sha256: 'a'.repeat(64) } }));
const azure = plan.hosts.find((h) => h.kind === 'azure')!;
const dedicated = plan.hosts.find((h) => h.kind === 'dedicated')!;
const imdsBoot = buildBootConfig(plan, azure, { hostEnvSource: 'azure-imds' });
const kvBoot = withKeyVaultFetch(imdsBoot, sharedEnvContent(plan), { vaultUrl: 'https://weavekv.vault.azure.net/', secretName: 'weave-password' });
const fetchScript = keyVaultFetchScript(sharedEnvContent(plan));
const applyScript = renderScript(buildBootConfig(plan, dedicated, { hostEnvSource: 'file' })).text;

function notOnFlatcar(commands: readonly string[]): string[] {
  return commands.filter((c) => !c.startsWith('weave') && !(FLATCAR_TOOL[c] && FLATCAR_PACKAGES.has(FLATCAR_TOOL[c])));
}

/** jq filters in a text that use a regex builtin (Flatcar's jq has none). */
function regexJq(text: string): string[] {
  return [...text.matchAll(/\bjq\b[^']*'([^']*)'/g)].map((m) => m[1]).filter((f) => /\b(test|match|capture|scan|splits|sub|gsub)\s*\(|\bsplit\s*\([^;)]*;/.test(f));
}

describe('the tools the library\'s units and scripts run are Flatcar\'s', () => {
  it('every command of every unit (cloud-config, Key Vault) maps to a package of the Flatcar image', () => {
    const commands = [...new Set([...unitCommands(imdsBoot), ...unitCommands(kvBoot)])].sort();
    expect(commands).toEqual(expect.arrayContaining(['bash', 'curl', 'docker', 'ip', 'sha256sum', 'networkctl', 'base64', 'mv', 'mkdir', 'chmod']));
    expect(notOnFlatcar(commands)).toEqual([]);
  });

  it('the Key Vault fetch script and the dedicated servers\' apply script use Flatcar\'s tools only', () => {
    const fetch = commandsOf(fetchScript);
    expect(fetch).toEqual(expect.arrayContaining(['curl', 'jq', 'grep', 'base64', 'mktemp', 'cmp', 'chmod', 'mv']));
    expect(notOnFlatcar(fetch)).toEqual([]);
    const apply = commandsOf(applyScript);
    expect(apply).toEqual(expect.arrayContaining(['systemctl', 'base64', 'mktemp', 'chmod', 'chown', 'cmp', 'mv', 'networkctl']));
    expect(notOnFlatcar(apply)).toEqual([]);
  });

  it('the day-two scripts (image pulls with each login, the operator\'s weave, reclaim, teardown) use Flatcar\'s tools only', () => {
    const release = { version: '2.9.0', imageOwner: 'myreg.azurecr.io/weave', digests: { weave: `sha256:${'a'.repeat(64)}`, weaveexec: `sha256:${'b'.repeat(64)}`, weavedb: `sha256:${'c'.repeat(64)}` } };
    const scripts = {
      pullIdentity: pullScript(release as never, 'identity'),
      pullConfig: pullScript(release as never, 'config'),
      pullAnonymous: pullScript(release as never, undefined),
      wrapper: weaveWrapper('/opt/bin/weave-2.9.0', [['WEAVE_VERSION', '2.9.0'], ['DOCKERHUB_USER', 'myreg.azurecr.io/weave']]),
      reclaim: reclaimScript('azure-prd-02', FLATCAR),
      teardown: teardownScript('ded-prd-01', FLATCAR),
    };
    for (const [name, text] of Object.entries(scripts)) {
      // The scripts' own functions, and a variable inside $(( )), are not commands.
      const own = new Set([...text.matchAll(/^\s*([a-z_][a-z0-9_]*)\(\)\s*\{/gm)].map((m) => m[1]));
      const arithmetic = new Set([...text.matchAll(/\$\(\(\s*([a-z_][a-z0-9_]*)/g)].map((m) => m[1]));
      expect([name, notOnFlatcar(commandsOf(text).filter((c) => !own.has(c) && !arithmetic.has(c)))]).toEqual([name, []]);
      expect([name, regexJq(text)]).toEqual([name, []]);
    }
    // The identity login's token exchange is curl and jq. The reclaim reads the
    // ring through weave's own template and awk, never jq: it also runs on a
    // dedicated server (Debian, Ubuntu, Fedora), which need not have jq.
    expect(commandsOf(scripts.pullIdentity)).toEqual(expect.arrayContaining(['curl', 'jq', 'docker', 'sleep']));
    expect(commandsOf(scripts.reclaim)).toEqual(expect.arrayContaining(['awk', 'sort']));
    expect(commandsOf(scripts.reclaim)).not.toContain('jq');
  });

  it('no jq filter needs regex support, which Flatcar\'s jq lacks', () => {
    expect([...fetchScript.matchAll(/\bjq\b/g)].length).toBeGreaterThan(0);
    expect(regexJq(fetchScript)).toEqual([]);
    for (const u of kvBoot.units) expect(regexJq(u.contents ?? '')).toEqual([]);
  });

  it('negative controls: perl, python3 and a regex jq filter are caught', () => {
    expect(notOnFlatcar(commandsOf("/usr/bin/perl -e 1; python3 -c 'x'; curl -fsS x | jq ."))).toEqual(['perl', 'python3']);
    expect(regexJq(`jq -r '.value | test("^[a-z]+$")'`)).toHaveLength(1);
    expect(regexJq(`jq -r '.value | split("x"; "g")'`)).toHaveLength(1);
    expect(regexJq(`jq -r '.value | split("x")'`)).toEqual([]);
    // A tool whose package Flatcar lacks: the fixture decides, not the map.
    expect(FLATCAR_PACKAGES.has('dev-lang/perl')).toBe(false);
  });
});
