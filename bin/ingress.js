#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import { URL } from 'node:url';

const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  // Scripts ask for the version to check an install: answer before loading the CLI.
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  process.stdout.write(`${pkg.version}\n`);
} else {
  const { launch } = await import('../dist/cli/launch.js');
  process.exitCode = await launch(argv);
}
