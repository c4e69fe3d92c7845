import { main } from './main.js';

// Entry point for running from source (`node --import tsx src/cli/entry.ts`).
process.exitCode = await main(process.argv.slice(2));
