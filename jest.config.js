// `npx jest` runs the fast tier; the tiers and their configs are in jest/
// (jest/tiers.js says which suite is where).
module.exports = require('./jest/fast.config.js');
