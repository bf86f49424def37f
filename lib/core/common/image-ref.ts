// Docker image references as the `weave` script builds them: a plain
// `DOCKERHUB_USER` prefix, which may carry a registry host, and the three
// image names under it.

/** The image names the `weave` script uses, under its `DOCKERHUB_USER`. */
export const WEAVE_IMAGES = ['weave', 'weaveexec', 'weavedb'] as const;

/**
 * The registry host of an image owner, as Docker reads a reference: the first
 * path component when it holds a `.` or a `:` or is `localhost`; none (Docker
 * Hub) otherwise.
 */
export function registryHost(imageOwner: string): string | undefined {
  const first = imageOwner.split('/')[0];
  return imageOwner.includes('/') && (/[.:]/.test(first) || first === 'localhost') ? first : undefined;
}
