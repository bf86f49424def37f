export * from './constructs/network';
export * from './constructs/cluster';
export * from './constructs/host';
export * from './core';
