// A systemd host with merged /usr and Docker, such as Flatcar or Debian 12:
// what the library assumes a dedicated server is. Its tools sit where both
// put them; nothing is read-only, and it applies no boot format itself (the
// library pushes a script over SSH).
import type { OsProfile } from './profile';

/** A merged-/usr systemd host with Docker. */
export const SYSTEMD_HOST: OsProfile = {
  name: 'a merged-/usr systemd host',
  requires: 'a merged-/usr system with Docker, e.g. Flatcar or Debian 12',
  paths: { bin: '/opt/bin', units: '/etc/systemd/system', networkd: '/etc/systemd/network' },
  tools: {
    bash: '/usr/bin/bash',
    base64: '/usr/bin/base64',
    chmod: '/usr/bin/chmod',
    curl: '/usr/bin/curl',
    docker: '/usr/bin/docker',
    ip: '/usr/bin/ip',
    ln: '/usr/bin/ln',
    mkdir: '/usr/bin/mkdir',
    mv: '/usr/bin/mv',
    networkctl: '/usr/bin/networkctl',
    sha256sum: '/usr/bin/sha256sum',
  },
  readOnly: [],
  defaultUser: 'core',
  reads: [],
};
