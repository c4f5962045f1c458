#!/usr/bin/env -S node --max-semi-space-size=2
// Launcher: registers tsx so the TypeScript sources run as they are, then starts the CLI.
//
// --max-semi-space-size=2 (here and in `npm start`): each connection allocates short-lived
// objects, and letting V8's young generation grow to its 16 MiB default costs ~8 KB of RSS per
// idle connection at 1,000 connections, for no throughput gain (bench/RESULTS.md). V8 only
// honours it at startup, so it is a command-line flag rather than v8.setFlagsFromString.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../kernel/cli/main.ts');
await main(process.argv.slice(2));
