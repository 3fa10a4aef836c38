// commander, re-exported from one file that the build bundles (tools/inline-deps.mjs): its CommonJS build is
// 8 files, which Node would load one by one on every command. The CLI imports commander only from here.
export { Command, CommanderError, Help } from 'commander'
