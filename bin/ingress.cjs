#!/usr/bin/env node
'use strict';
// CommonJS, as is all the CLI loads: an ES module entry would start Node's ESM loader first.
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  // Scripts ask for the version to check an install: answer before loading the CLI.
  process.stdout.write(`${require('../package.json').version}\n`);
} else {
  require('../dist/cli/launch.cjs')
    .launch(argv)
    .then((code) => {
      process.exitCode = code;
    });
}
