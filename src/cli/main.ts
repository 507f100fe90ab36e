/**
 * Entry point: `npx semverify ...` (through bin/semverify.js) or `npx tsx src/cli/main.ts ...`.
 * Everything else lives in program.ts, which tests call in-process.
 */
import { processIo } from './io.ts';
import { runCli } from './program.ts';

process.exitCode = await runCli(process.argv.slice(2), processIo());
