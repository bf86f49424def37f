'use strict';
// setupFiles of the fast tier: no external program. Key Vault synths ask the
// configured Terraform for its version (lib/constructs/terraform-version.ts);
// here that binary does not exist, so a contributor's older Terraform on PATH
// cannot fail them and nothing is spawned. key-vault-stack.test.ts tests the
// gate itself with stand-in binaries.
process.env.TERRAFORM_BINARY_NAME = '/nonexistent/terraform (fast tier: no external programs)';
