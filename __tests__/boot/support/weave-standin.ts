// The only stand-in of the boot tier: Weave itself (the rajch images are not
// in the test's registry, and no package carries the script). The guest
// downloads this script through the library's own `release.scriptUrl`
// (checked against `release.sha256`), exactly as it would download
// rajch/weave's. The images come from the test's registry
// (support/registry.ts: a busybox root file system under Weave's three
// names), pulled by the library's own /opt/bin/weave-images. It records
// every call (argv and environment) under /var/lib/weave-standin, and does
// enough of what weave does for the units around it to be real:
// - `launch` pulls nothing, as weave's own would when the images are there:
//   it fails unless all three are present under the names the script uses,
//   $DOCKERHUB_USER/weave{,exec}:$WEAVE_VERSION and $DOCKERHUB_USER/weavedb:latest;
//   it talks to Docker with API 1.24, as weave 2.9 does, creates the
//   `weave` bridge and a container named weave that `docker attach` follows
//   (removing a stopped one left from an earlier boot, as weave does), and
//   joins the bridge to one VXLAN segment of all guests on the test network,
//   so hosts and containers of different guests share one layer-2 network
//   (the peers asked for are recorded, not dialled);
// - `expose` gives the bridge each address asked for; for `net:default` it
//   takes a fixed address of the IPAM range for this host (weave's IPAM
//   would allocate one) and prints the addresses, as weave does;
// - `stop` stops the router; `status` says whether it runs;
// - `report -f '{{.Router.Name}}'` and `'{{json .IPAM}}'` answer a pool
//   instance's reclaim; `report -f <the reclaim's template>` prints the ring's entries, kept in
//   /var/lib/weave-standin-ipam.json (a test writes a dead peer there),
//   `rmpeer NAME` takes a peer's entries over as weave prints it, and
//   `reset` removes the router, the bridge and the ring;
// - `setup` is refused: the library no longer runs it (it would pull tags).
// Only tools Flatcar ships are used (bash, coreutils, awk, jq, docker, ip, iptables, curl).
import { RING_TEMPLATE } from '../../../lib/core/boot/retire';

/** What the guests' stand-in needs to know. */
export interface StandInOptions {
  /** Container range (the network's ipallocRange), for `net:default`. */
  readonly ipallocRange: string;
}

export function weaveStandInScript(o: StandInOptions): string {
  return `#!/bin/bash
# weave stand-in for the cdktf-weave-azure boot tier (not Weave Net).
set -euo pipefail
rec=/var/lib/weave-standin
mkdir -p "$rec"
seq=$(find "$rec" -mindepth 1 -maxdepth 1 | wc -l)
call=$rec/$(printf %04d "$seq")-\${1:-none}
mkdir "$call"
printf '%s\\0' "$@" >"$call/argv"
env -0 >"$call/env"
owner=\${DOCKERHUB_USER:-weaveworks}
version=\${WEAVE_VERSION:-latest}
router=$owner/weave:$version
# weave 2.9 speaks Docker API 1.24; Docker refuses it below its minimum.
docker() { DOCKER_API_VERSION=1.24 /usr/bin/docker "$@"; }
range=${o.ipallocRange}
ring=/var/lib/weave-standin-ipam.json
case \${1:-} in
  launch)
    shift
    for image in "$router" "$owner/weaveexec:$version" "$owner/weavedb:latest"; do
      docker image inspect "$image" >/dev/null 2>&1 || { echo "stand-in: no image $image (weave would pull it: /opt/bin/weave-images did not put it there)" >&2; exit 1; }
    done
    docker rm -f weave >/dev/null 2>&1 || true
    ip link show weave >/dev/null 2>&1 || ip link add weave type bridge
    ip link set weave up
    # As weave does: traffic between ports of its bridge passes Docker's
    # FORWARD policy (DROP, with br_netfilter loaded).
    iptables -C FORWARD -i weave -o weave -j ACCEPT 2>/dev/null || iptables -I FORWARD -i weave -o weave -j ACCEPT
    # The data path: one VXLAN segment (multicast on the uplink) joins the
    # weave bridges of every guest on the test network.
    if ! ip link show vxlan-we >/dev/null 2>&1; then
      uplink=$(ip -o route show default | awk '{print $5; exit}')
      ip link add vxlan-we type vxlan id 6783 group 239.255.67.83 dev "$uplink" dstport 6784 ttl 1
      ip link set vxlan-we master weave up
    fi
    docker run -d --name weave --network none "$router" /bin/sh -c 'echo "weave router stand-in"; trap "exit 0" TERM; while :; do sleep 1; done' >/dev/null
    ;;
  expose)
    shift
    out=()
    for a in "$@"; do
      if [ "$a" = net:default ]; then
        # A fixed address per host in the container range (.250.<n>), where IPAM would allocate one.
        n=$(hostname | cksum | awk '{print $1 % 200 + 1}')
        a=\${range%.*.*}.250.$n/\${range#*/}
      fi
      ip addr replace "$a" dev weave
      out+=("\${a%/*}")
    done
    echo "\${out[*]}"
    ;;
  stop)
    docker stop weave >/dev/null 2>&1 || true
    ;;
  status)
    [ "$(docker inspect -f '{{.State.Running}}' weave 2>/dev/null)" = true ] && echo "Status: ready (stand-in)" || { echo "weave container is not running." >&2; exit 1; }
    ;;
  version)
    echo "weave script $version (stand-in)"
    ;;
  report)
    [ "\${2:-}" = -f ] || { echo "stand-in: report only with -f" >&2; exit 1; }
    [ "$(docker inspect -f '{{.State.Running}}' weave 2>/dev/null)" = true ] || { echo "weave container is not running." >&2; exit 1; }
    case "\${3:-}" in
      # As weave renders the template: one "nickname peer known" line per entry.
      '${RING_TEMPLATE}') [ -f "$ring" ] && jq -r '.Entries[]? | "\\(.Nickname) \\(.Peer) \\(.IsKnownPeer)"' "$ring" || true ;;
      # The two a pool instance's reclaim unit reads: its own peer name (from the host name), the ring as JSON.
      '{{.Router.Name}}') hostname | md5sum | cut -c1-12 | sed 's/../&:/g; s/:$//' ;;
      '{{json .IPAM}}') cat "$ring" 2>/dev/null || echo '{"Entries":[]}' ;;
      *) echo "stand-in: report only with the reclaim's -f template, '{{.Router.Name}}' or '{{json .IPAM}}'" >&2; exit 1 ;;
    esac
    ;;
  rmpeer)
    shift
    for p in "$@"; do
      n=$(jq --arg p "$p" '[.Entries[]? | select(.Peer == $p or .Nickname == $p) | .Size] | add // 0' "$ring" 2>/dev/null || echo 0)
      if [ -f "$ring" ]; then jq --arg p "$p" '.Entries |= map(select(.Peer != $p and .Nickname != $p))' "$ring" >"$ring.new" && mv "$ring.new" "$ring"; fi
      echo "$n IPs taken over from $p"
    done
    ;;
  reset)
    docker rm -f weave >/dev/null 2>&1 || true
    ip link del vxlan-we 2>/dev/null || true
    ip link del weave 2>/dev/null || true
    rm -f "$ring"
    ;;
  *)
    echo "stand-in: '\${1:-}' is not something the library's units call" >&2
    exit 1
    ;;
esac
`;
}
