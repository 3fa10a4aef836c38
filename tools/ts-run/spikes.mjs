#!/usr/bin/env node
// The `spikes` CLI run from the TypeScript sources (no build): node tools/ts-run/spikes.mjs <command> ...
import { register } from 'node:module'

register('./hooks.mjs', import.meta.url)
const { main } = await import('../../packages/cli/src/main.ts')
process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env })
