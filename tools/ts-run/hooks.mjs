// Node module hooks that run the workspace's TypeScript sources without a build: the '@spikes/source'
// export condition (as vitest uses), '.js' specifiers that name a '.ts' file, and esbuild's transform.
// Used for processes started from sources (scan workers in tests, the Slurm test's shard tasks);
// built packages never load it.
import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { transform } from 'esbuild'

export async function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions.includes('@spikes/source') ? context.conditions : ['@spikes/source', ...context.conditions]
  try {
    return await nextResolve(specifier, { ...context, conditions })
  } catch (error) {
    if (/^\.\.?\//.test(specifier) && specifier.endsWith('.js') && context.parentURL) {
      const ts = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL)
      if (existsSync(fileURLToPath(ts))) return { url: ts.href, shortCircuit: true }
    }
    throw error
  }
}

export async function load(url, context, nextLoad) {
  if (!url.endsWith('.ts')) return nextLoad(url, context)
  const { source } = await nextLoad(url, { ...context, format: 'module' })
  const { code } = await transform(String(source), {
    loader: 'ts',
    format: 'esm',
    target: 'node20',
    sourcefile: fileURLToPath(url),
    sourcemap: 'inline',
    tsconfigRaw: { compilerOptions: { experimentalDecorators: true, verbatimModuleSyntax: true } },
  })
  return { format: 'module', source: code, shortCircuit: true }
}
