#!/usr/bin/env node
// Prints vitest's JSON reports as the closing line CI reads: "N passed, N failed[, N skipped]", summed over
// every run given as `report status` pairs (npm test, then npm run test:slow). Exits non-zero when anything
// failed or a report is missing.
import { readFileSync, existsSync } from 'node:fs'

const args = process.argv.slice(2)
const runs = []
for (let i = 0; i < Math.max(args.length, 1); i += 2) runs.push([args[i] ?? '.vitest-report.json', Number(args[i + 1] ?? '0')])

let passed = 0
let failed = 0
let skipped = 0
for (const [reportPath, status] of runs) {
  if (!existsSync(reportPath)) {
    console.log(`the test run wrote no report ${reportPath} (exit ${status})`)
    failed++
    continue
  }
  const report = JSON.parse(readFileSync(reportPath, 'utf8'))
  const failedTests = report.numFailedTests ?? 0
  const failedSuites = (report.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length
  passed += report.numPassedTests ?? 0
  skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0)
  failed += failedTests + failedSuites + (status !== 0 && failedTests + failedSuites === 0 ? 1 : 0)
  for (const file of report.testResults ?? []) {
    for (const t of file.assertionResults ?? []) if (t.status === 'failed') console.log(`FAILED ${t.fullName}`)
    if (file.status === 'failed' && !(file.assertionResults ?? []).length) console.log(`FAILED suite ${file.name}: ${(file.message ?? '').split('\n')[0]}`)
  }
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(failed > 0 ? 1 : 0)
