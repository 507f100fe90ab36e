#!/usr/bin/env node
// Runs the TypeScript CLI directly through tsx's loader: `npx semverify` works right after
// `npm ci`, with no build step.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
