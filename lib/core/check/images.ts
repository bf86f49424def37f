// Checks on where the hosts' images come from: the image owner (a Docker
// Hub account, or a registry host and path), that every image is pinned
// (no `latest`, weavedb included), the digests, and the registry login
// settings. Only literals are judged, except the image owner, which the boot
// documents embed and so must be known at synth.
import { isToken } from '../common/tokens';
import type { NetworkSpec } from '../declare/network';
import { WEAVE_IMAGES, registryHost } from '../common/image-ref';
import type { ProblemList } from './problems';

/** A Docker reference path component (distribution/reference grammar). */
const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
/** A registry host: DNS labels, optionally a port. */
const HOST = '(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)(?:\\.(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?))*(?::[0-9]{1,5})?';
const OWNER_RE = new RegExp(`^(?:${HOST}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`);
/** A Docker tag. */
const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
/** A content digest as registries give it. */
export const DIGEST_RE = /^(sha256:[a-f0-9]{64}|sha512:[a-f0-9]{128})$/;
/** Login servers of Azure Container Registry in Azure's clouds. */
export const ACR_HOST_RE = /^[a-z0-9]{5,50}\.azurecr\.(io|cn|us)$/;
/** Docker caps a repository name (host and path) at 255 characters. */
const MAX_NAME = 255;

/** Adds a problem for every bad image or registry setting of the network. */
export function checkImages(spec: NetworkSpec, problems: ProblemList): void {
  const r = spec.release;
  const path = spec.path;
  const owner = r.imageOwner;
  if (isToken(owner)) {
    problems.add('image-owner-token', path, 'release.imageOwner', owner,
      'is a Terraform expression, but every host\'s boot data and its `weave` wrapper name the images at synth',
      'write the registry host and path literally, e.g. "acme.azurecr.io/weave" (an ACR login server is "<registry name>.azurecr.io")');
  } else if (!OWNER_RE.test(owner) || `${owner}/weaveexec`.length > MAX_NAME) {
    problems.add('image-owner-invalid', path, 'release.imageOwner', owner,
      'is neither a Docker Hub account nor a registry host and path (lowercase path components of letters, digits and single ".", "_" or "-"; a host may carry a port)',
      /[A-Z\s]/.test(owner) && !owner.includes('/')
        ? `use e.g. "${owner.toLowerCase().replace(/\s+/g, '')}"`
        : 'use e.g. "rajchaudhuri" (Docker Hub) or "acme.azurecr.io/weave" (your registry)');
  }
  const db = r.weavedbVersion;
  if (db !== undefined) {
    if (db === 'latest') {
      problems.add('weavedb-version-latest', path, 'release.weavedbVersion', db,
        'is not pinned: every host would run whichever weavedb the registry has that day',
        `pin it, e.g. "${r.version}" (weavedb is tagged with each release's version)`);
    } else if (!TAG_RE.test(db)) {
      problems.add('weavedb-version-invalid', path, 'release.weavedbVersion', db,
        'is not a Docker tag (letters, digits, "_", "." and "-", at most 128, not starting with "." or "-")',
        `leave it out to use the release version, or pin e.g. "${r.version}"`);
    }
  }
  const digests = r.digests as Partial<Record<string, unknown>> | undefined;
  if (digests !== undefined) {
    const missing = WEAVE_IMAGES.filter((i) => digests[i] === undefined);
    if (missing.length > 0) {
      problems.add('image-digests-partial', path, 'release.digests', WEAVE_IMAGES.filter((i) => digests[i] !== undefined),
        `leave ${missing.join(' and ')} unpinned by digest while the other images are pinned${missing.includes('weavedb') ? ' (the weave script would otherwise take weavedb:latest)' : ''}`,
        `give the digests of all three images (weave, weaveexec, weavedb), e.g. from \`docker buildx imagetools inspect ${owner}/${missing[0]}:${missing[0] === 'weavedb' ? db ?? r.version : r.version}\``);
    }
    for (const i of WEAVE_IMAGES) {
      const d = digests[i];
      if (d !== undefined && (typeof d !== 'string' || !DIGEST_RE.test(d))) {
        problems.add('image-digest-invalid', path, `release.digests.${i}`, d,
          'is not a content digest sha256:<64 lowercase hex digits>',
          `copy the "Digest:" of \`docker buildx imagetools inspect ${owner}/${i}:${i === 'weavedb' ? db ?? r.version : r.version}\`, e.g. "sha256:${'0'.repeat(64)}"`);
      }
    }
  }
  const registry = spec.registry;
  const acr = registry?.azureContainerRegistry;
  if (acr) {
    const host = isToken(owner) ? undefined : registryHost(owner);
    if (!isToken(owner) && (host === undefined || !ACR_HOST_RE.test(host))) {
      problems.add('registry-acr-owner', path, 'release.imageOwner', owner,
        'does not name an Azure Container Registry, so the VMs\' identity login (registry.azureContainerRegistry) would go nowhere',
        'set imageOwner to the registry\'s login server and a path, e.g. "acmeweave.azurecr.io/weave"');
    }
    if (!acr.hasProvider) {
      problems.add('registry-acr-no-provider', path, 'registry.azureContainerRegistry.provider', undefined,
        'is missing; the AcrPull role assignments are made with the registry\'s subscription',
        'pass the AzurermProvider of the registry\'s subscription');
    }
    if (acr.id !== undefined && !isToken(acr.id) && !/^\/subscriptions\/[0-9a-f-]{36}\/resourceGroups\/[-\w._()]{1,90}\/providers\/Microsoft\.ContainerRegistry\/registries\/[A-Za-z0-9]{5,50}$/i.test(acr.id)) {
      problems.add('registry-acr-id-invalid', path, 'registry.azureContainerRegistry.id', acr.id,
        'is not a container registry resource id',
        'give the registry\'s id (az acr show --name <name> --query id), or the ContainerRegistry construct\'s .id');
    }
  }
  const login = registry?.login;
  if (login?.passwordIsLiteral) {
    problems.add('registry-password-literal', path, 'registry.login.password', '(a plain string)',
      'would be written into cdk.tf.json; the registry password may reach the dedicated servers only through the provisioner, as the network password does',
      'leave password unset (an ephemeral variable <network>_registry_password is created), or pass an ephemeral TerraformVariable\'s stringValue');
  }
  if (login && !isToken(login.username) && !/^[^\s:]{1,256}$/.test(login.username)) {
    problems.add('registry-username-invalid', path, 'registry.login.username', login.username,
      'is empty, has a space or a ":" (Docker keeps user and password as "user:password")', 'give the registry user name, e.g. an ACR token\'s name');
  }
}
