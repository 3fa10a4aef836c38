import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { promisify } from 'node:util'
import { InvalidArgumentError } from '@spikes/core'
import { mergeCommand, shardCommand, shellQuote, shellWords, thisProgram, type ShardCommandOptions } from './command.js'
import { ScanJobError } from './errors.js'
import { shardFolderName } from './shard.js'

export { shardCommand } from './command.js'

const run = promisify(execFile)

/** Options of `scan submit`: the scan's settings, the shard count and the engine's. */
export interface SubmitOptions extends ShardCommandOptions {
  /** Extra sbatch arguments for both jobs (`--partition gpu --time 2:00:00`), as one shell-quoted string. */
  sbatchArgs?: string
  /** Container image the Kubernetes jobs run (default spikes-cli:latest, built from the repository's Dockerfile). */
  image?: string
  /** PersistentVolumeClaim mounted at the output folder in every pod (default spikes-scan). */
  claimName?: string
}

/** The files of a Slurm submission. */
export interface SlurmJob {
  arrayScript: string
  mergeScript: string
  statusDir: string
  logDir: string
  shards: number
}

/** Job ids of a submission. */
export interface SlurmSubmission extends SlurmJob {
  arrayJobId: string
  mergeJobId: string
}

/** Writes `<out>/slurm/scan-array.sbatch` (array 0-(N-1), one task per shard) and `scan-merge.sbatch`. */
export function writeSlurmJob(options: SubmitOptions): SlurmJob {
  const shards = checkShards(options.shards)
  const out = resolve(options.out)
  const dir = join(out, 'slurm')
  const logDir = join(dir, 'logs')
  const statusDir = join(dir, 'status')
  mkdirSync(logDir, { recursive: true })
  // A re-submission into the same folder must not read the exit codes of the previous one.
  rmSync(statusDir, { recursive: true, force: true })
  mkdirSync(statusDir, { recursive: true })
  const spikes = options.command ?? thisProgram()
  const header = (name: string, extra: string[]) => ['#!/bin/bash', `#SBATCH --job-name=${name}`, ...extra, `#SBATCH --chdir=${process.cwd()}`, '']
  const array = [
    ...header('spikes-scan', [`#SBATCH --array=0-${shards - 1}`, `#SBATCH --cpus-per-task=${options.jobs ?? 1}`, `#SBATCH --output=${logDir}/scan-%A_%a.out`]),
    '# One task per shard: the shard index comes from SLURM_ARRAY_TASK_ID; --resume continues a requeued task.',
    shellQuote(shardCommand({ ...options, shards }, spikes)),
    'code=$?',
    `echo "$code" > ${shellQuote([statusDir])}/task-"$SLURM_ARRAY_TASK_ID".exit`,
    'exit "$code"',
    '',
  ]
  const merge = [
    ...header('spikes-scan-merge', [`#SBATCH --output=${logDir}/merge-%j.out`]),
    shellQuote(mergeCommand(out, spikes)),
    'code=$?',
    `echo "$code" > ${shellQuote([statusDir])}/merge.exit`,
    'exit "$code"',
    '',
  ]
  const arrayScript = join(dir, 'scan-array.sbatch')
  const mergeScript = join(dir, 'scan-merge.sbatch')
  writeFileSync(arrayScript, array.join('\n'), { mode: 0o755 })
  writeFileSync(mergeScript, merge.join('\n'), { mode: 0o755 })
  return { arrayScript, mergeScript, statusDir, logDir, shards }
}

/** Writes the scripts and submits them with sbatch: the array, then the merge with `afterok` on the array. */
export async function submitSlurm(options: SubmitOptions): Promise<SlurmSubmission> {
  const job = writeSlurmJob(options)
  const extra = shellWords(options.sbatchArgs)
  const arrayJobId = await sbatch([...extra, job.arrayScript])
  const mergeJobId = await sbatch([...extra, `--dependency=afterok:${arrayJobId}`, '--kill-on-invalid-dep=yes', job.mergeScript])
  return { ...job, arrayJobId, mergeJobId }
}

async function sbatch(args: string[]): Promise<string> {
  try {
    const { stdout } = await run('sbatch', ['--parsable', ...args])
    const id = stdout.trim().split(';')[0]
    if (!/^\d+$/.test(id)) throw new ScanJobError(`sbatch answered '${stdout.trim()}' instead of a job id.`, { stdout })
    return id
  } catch (error) {
    if (error instanceof ScanJobError) throw error
    const e = error as { code?: string; stderr?: string; message?: string }
    const why = e.code === 'ENOENT' ? 'sbatch is not installed here (run submit on a Slurm login node)' : (e.stderr?.trim() || e.message)
    throw new ScanJobError(`Submitting to Slurm failed: ${why}.`, { args })
  }
}

/**
 * Waits until both jobs have left the queue, then checks every task's exit status: resolves when all shards and
 * the merge succeeded, else ScanJobError naming the failed tasks and their logs.
 */
export async function waitForSlurm(job: SlurmSubmission, pollMs = 1000, signal?: AbortSignal): Promise<void> {
  for (;;) {
    signal?.throwIfAborted()
    const { stdout } = await run('squeue', ['-h', '-j', `${job.arrayJobId},${job.mergeJobId}`, '-o', '%i']).catch(() => ({ stdout: '' }))
    if (stdout.trim() === '') break
    await new Promise((r) => setTimeout(r, pollMs))
  }
  const failed: { task: number; shard: string; exitCode: number | null; log: string }[] = []
  for (let task = 0; task < job.shards; task++) {
    const code = readExit(join(job.statusDir, `task-${task}.exit`))
    if (code !== 0) failed.push({ task, shard: shardFolderName({ index: task, count: job.shards }), exitCode: code, log: join(job.logDir, `scan-${job.arrayJobId}_${task}.out`) })
  }
  const mergeCode = readExit(join(job.statusDir, 'merge.exit'))
  if (failed.length) {
    const named = failed.map((f) => `task ${f.task} (shard ${f.shard}) ${f.exitCode === null ? 'did not finish' : `exited with ${f.exitCode}`}, log ${f.log}`)
    throw new ScanJobError(`Slurm job ${job.arrayJobId}: ${named.join('; ')}. The merge job ${job.mergeJobId} did not run. Re-submit: finished shards are kept and skipped.`, { failed, arrayJobId: job.arrayJobId })
  }
  if (mergeCode !== 0) {
    throw new ScanJobError(`The merge job ${job.mergeJobId} ${mergeCode === null ? 'did not finish' : `exited with ${mergeCode}`}; see ${job.logDir}/merge-${job.mergeJobId}.out.`, { mergeJobId: job.mergeJobId, exitCode: mergeCode })
  }
}

function readExit(path: string): number | null {
  if (!existsSync(path)) return null
  const n = Number(readFileSync(path, 'utf8').trim())
  return Number.isInteger(n) ? n : null
}

/** The Kubernetes manifests of a submission. */
export interface KubernetesJobs {
  scanJob: Record<string, unknown>
  mergeJob: Record<string, unknown>
  scanPath: string
  mergePath: string
  runScript: string
}

/**
 * Writes `<out>/k8s/scan-job.json` (an Indexed Job: completions = parallelism = N, each pod's shard from
 * JOB_COMPLETION_INDEX), `merge-job.json`, and `run.sh` (apply, wait for completion, apply the merge).
 */
export function writeKubernetesJobs(options: SubmitOptions): KubernetesJobs {
  const shards = checkShards(options.shards)
  const out = resolve(options.out)
  const dir = join(out, 'k8s')
  mkdirSync(dir, { recursive: true })
  const image = options.image ?? 'spikes-cli:latest'
  const claimName = options.claimName ?? 'spikes-scan'
  const spikes = options.command ?? ['spikes']
  const pod = (name: string, command: string[], cpu: number) => ({
    restartPolicy: 'Never',
    containers: [{ name, image, command, resources: { requests: { cpu: String(cpu) } }, volumeMounts: [{ name: 'scan-output', mountPath: out }] }],
    volumes: [{ name: 'scan-output', persistentVolumeClaim: { claimName } }],
  })
  const labels = { 'app.kubernetes.io/name': 'spikes-scan' }
  const scanJob = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'spikes-scan', labels },
    spec: { completionMode: 'Indexed', completions: shards, parallelism: shards, backoffLimitPerIndex: 2, maxFailedIndexes: 0, template: { metadata: { labels }, spec: pod('scan', shardCommand({ ...options, shards }, spikes), options.jobs ?? 1) } },
  }
  const mergeJob = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: 'spikes-scan-merge', labels },
    spec: { completions: 1, backoffLimit: 1, template: { metadata: { labels }, spec: pod('merge', mergeCommand(out, spikes), 1) } },
  }
  const scanPath = join(dir, 'scan-job.json')
  const mergePath = join(dir, 'merge-job.json')
  writeFileSync(scanPath, JSON.stringify(scanJob, null, 2) + '\n')
  writeFileSync(mergePath, JSON.stringify(mergeJob, null, 2) + '\n')
  const runScript = join(dir, 'run.sh')
  const script = [
    '#!/bin/sh',
    '# The shards, then the merge once every index has completed (Kubernetes has no dependency between Jobs).',
    'set -e',
    `kubectl apply -f ${shellQuote([scanPath])}`,
    'kubectl wait --for=condition=complete --timeout=168h job/spikes-scan',
    `kubectl apply -f ${shellQuote([mergePath])}`,
    'kubectl wait --for=condition=complete --timeout=24h job/spikes-scan-merge',
    '',
  ]
  writeFileSync(runScript, script.join('\n'), { mode: 0o755 })
  return { scanJob, mergeJob, scanPath, mergePath, runScript }
}

function checkShards(shards: number): number {
  if (!Number.isInteger(shards) || shards < 1 || shards > 100_000) throw new InvalidArgumentError('--shards', shards, 'a whole number of shards from 1 to 100000')
  return shards
}
