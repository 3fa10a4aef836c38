#!/usr/bin/env node
import { main } from '../dist/main.js'

// A reader that stops early (spikes scan /data | head -1) closes the pipe: end quietly rather than die on an
// unhandled EPIPE with a stack trace. Unfinished work exits 141 (128 + SIGPIPE), as a C program killed by the
// signal would, so that `set -o pipefail` scripts see it; a command that had finished keeps its own code.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code !== 'EPIPE') throw error
    process.exit(process.exitCode ?? 141)
  })
}

process.exitCode = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env })
