'use strict';
// setupFiles of the fast tier, which runs no external program.
//
// Key Vault synths ask the configured Terraform for its version
// (lib/constructs/terraform-version.ts); here that binary does not exist, so
// a contributor's older Terraform on PATH cannot fail them and nothing runs.
// terraform-version.test.ts (integration) tests the gate with stand-ins.
process.env.TERRAFORM_BINARY_NAME = '/nonexistent/terraform (the fast tier runs no external program)';

// The guard: starting a program that exists throws, naming the tier to move
// the test to. A command that does not exist is let through (it fails with
// ENOENT and runs nothing), which is what the version probe above does.
const childProcess = require('node:child_process');
const { guardSpawns } = require('./fast-guard');
guardSpawns(childProcess, process.env);
