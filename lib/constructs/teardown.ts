// A departing dedicated server's teardown: a `terraform_data` per server
// whose destroy-time provisioner runs `weave reset` and removes the
// library's units on it. Destroy-time provisioners run only while their
// resource block is still in the configuration, and in cdktf deleting a
// construct deletes its block; so the block stays for as long as the
// allocation record lists the server as retired, with `count = 0`, and
// Terraform destroys the instance, running the step, at the first apply
// after the server left the code. It connects with what its own state
// holds (`self.input`: host, user, port; no key) and the local ssh-agent,
// and a failure (the server is already gone) does not stop the apply: a
// surviving host then reclaims the server's address space.
import { Construct } from 'constructs';
import { teardownScript } from '../core/boot/retire';
import { SYSTEMD_HOST } from '../core/os/systemd';
import { TerraformData } from './terraform/data';
import { asRoot } from './terraform/remote';
import { tfName } from './terraform/names';

/** The logical id of a host's teardown step: the same while it is declared and once it is retired. */
export const teardownId = (network: Construct, host: string): string => `${tfName(network.node.id)}_${tfName(host)}_teardown`;

/**
 * The teardown step of one dedicated server.
 * @param connection - the server's SSH address, user and port while it is
 *   declared; none once it is retired (`count = 0`: only its state's values are used)
 */
export function teardownStep(scope: Construct, id: string, network: Construct, host: string, connection?: { host: string; user: string; port: number }): TerraformData {
  const res = new TerraformData(scope, id, {
    ...(connection ? { input: { host: connection.host, user: connection.user, port: connection.port } } : {}),
    // Destroy-time provisioners may refer to nothing but the resource itself.
    connection: { type: 'ssh', host: '${self.input.host}', user: '${self.input.user}', port: '${self.input.port}' as unknown as number, agent: 'true' },
  });
  res.overrideLogicalId(teardownId(network, host));
  res.addOverride('count', connection ? 1 : 0);
  const script = Buffer.from(teardownScript(host, SYSTEMD_HOST), 'utf8').toString('base64');
  res.addOverride('provisioner', [{
    'remote-exec': {
      when: 'destroy',
      on_failure: 'continue',
      inline: [
        // A fresh private directory (mktemp): a fixed name in /var/tmp could be another user's file.
        `dir=$(mktemp -d) && echo ${script} | base64 -d > "$dir/teardown.sh" && ${asRoot('bash "$dir/teardown.sh"', 'rm -rf "$dir"')}`,
      ],
    },
  }]);
  return res;
}
