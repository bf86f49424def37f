export * from './model';
export * from './problems';
export * from './plan';
export * from './boot';
export * from './render';
export { parseCidr, isCidr } from './cidr';
export { DNS_LABEL_RE, MAX_HOST_NAME } from './validate';
export { isToken } from './tokens';
export { renderMermaid } from './diagram';
