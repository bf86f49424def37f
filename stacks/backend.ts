// The remote-state helper lives in the package (lib/backend.ts); this path
// stays for the seed app and its tests.
export * from '../lib/backend';
