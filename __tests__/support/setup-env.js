'use strict';
// setupFiles (every tier): the test file's environment (support/harness-env.js).
require('./harness-env').prepareTestFile(process.env);
