import { DuckDBInstance } from '@duckdb/node-api'
const dir = process.argv[2]
const db = await DuckDBInstance.create(':memory:')
const c = await db.connect()
async function q(sql) { const r = await c.runAndReadAll(sql); return r.getRowObjectsJson() }
for (const t of ['recordings', 'units']) {
  console.log(`== ${t}`)
  for (const r of await q(`DESCRIBE SELECT * FROM '${dir}/${t}.parquet'`)) console.log(`  ${r.column_name}: ${r.column_type} null=${r.null}`)
}
for (const s of process.argv.slice(3)) console.log(JSON.stringify(await q(s.replaceAll('$D', dir)), null, 0))
