#!/usr/bin/env node
// Prints vitest's JSON report as the closing line CI reads: "N passed, N failed[, N skipped]".
// Exits non-zero when anything failed or the report is missing.
import { readFileSync, existsSync } from 'node:fs'

const [reportPath = '.vitest-report.json', statusText = '0'] = process.argv.slice(2)
const status = Number(statusText)
if (!existsSync(reportPath)) {
  console.log(`the test run wrote no report (exit ${status})`)
  console.log('0 passed, 1 failed')
  process.exit(1)
}
const report = JSON.parse(readFileSync(reportPath, 'utf8'))
const passed = report.numPassedTests ?? 0
const failedTests = report.numFailedTests ?? 0
const failedSuites = (report.testResults ?? []).filter((f) => f.status === 'failed' && (f.assertionResults ?? []).length === 0).length
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0)
const failed = failedTests + failedSuites + (status !== 0 && failedTests + failedSuites === 0 ? 1 : 0)
for (const file of report.testResults ?? []) {
  for (const t of file.assertionResults ?? []) if (t.status === 'failed') console.log(`FAILED ${t.fullName}`)
  if (file.status === 'failed' && !(file.assertionResults ?? []).length) console.log(`FAILED suite ${file.name}: ${(file.message ?? '').split('\n')[0]}`)
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(failed > 0 ? 1 : 0)
