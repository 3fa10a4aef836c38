import { InvalidArgumentError } from '@spikes/core'
import type { SubmitOptions } from '@spikes/scan'
import type { CliContext } from '../context.js'
import { examples, type SpikesCommand } from '../program.js'
import { scanOptions, wholeNumber, withScanFlags, type ScanFlags } from '../scan/flags.js'

interface SubmitFlags extends ScanFlags {
  shards?: string
  slurm?: boolean
  k8s?: boolean
  sbatchArgs?: string
  wait?: boolean
  image?: string
  claim?: string
  spikesCommand?: string
}

/** spikes scan submit <source>... -o <dir> (--slurm | --k8s) --shards N [--sbatch-args "..."] [--wait] */
export function submitCommand(scan: SpikesCommand, context: CliContext): SpikesCommand {
  return withScanFlags(
    scan
      .command('submit')
      .description('run the scan as an array job: Slurm (sbatch --array plus a merge job that waits with afterok) or a Kubernetes Indexed Job')
      .argument('[sources...]', 'as for spikes scan (local paths are made absolute for the tasks)'),
    context,
  )
    .option('--shards <n>', 'array tasks, one shard each')
    .option('--slurm', 'write <dir>/slurm/scan-array.sbatch and scan-merge.sbatch and submit them with sbatch')
    .option('--k8s', 'write <dir>/k8s/ manifests: an Indexed Job and a merge Job (run with kubectl)')
    .option('--sbatch-args <args>', 'extra sbatch arguments for both jobs, e.g. "--partition=short --time=2:00:00"')
    .option('--wait', 'return when the merge is done; non-zero, naming the task, if any task failed')
    .option('--image <image>', 'container image of the Kubernetes jobs (default spikes-cli:latest, from the repository Dockerfile)')
    .option('--claim <pvc>', 'PersistentVolumeClaim mounted at the output folder in every pod (default spikes-scan)')
    .option('--spikes-command <json>', 'how the tasks run spikes, as a JSON array (default: this Node and this CLI)')
    .addHelpText(
      'after',
      examples([
        ['spikes scan submit /data/lab -o /scratch/survey --slurm --shards 20 --wait', 'submit, wait, merged tables in /scratch/survey'],
        ['spikes scan submit dandi://000409 -o /scratch/s --slurm --shards 50 --sbatch-args "--partition=short"', 'on a partition'],
        ['spikes scan submit @list.txt -o /data/survey --k8s --shards 8 --image registry/spikes-cli:1', 'Kubernetes manifests'],
      ]),
    )
    .action(async (sources: string[], flags: SubmitFlags) => {
      const { submitSlurm, waitForSlurm, writeKubernetesJobs } = await import('@spikes/scan')
      if ((flags.slurm === true) === (flags.k8s === true)) throw new InvalidArgumentError('engine', flags.slurm ? 'both' : 'neither', 'exactly one of --slurm and --k8s')
      const shards = wholeNumber('--shards', flags.shards)
      if (shards === undefined) throw new InvalidArgumentError('--shards', 'nothing', 'the number of shards, e.g. --shards 100')
      const { io } = context
      const base = scanOptions(sources, flags, context)
      const options: SubmitOptions = {
        sources: base.sources, out: base.out, shards, jobs: base.jobs, inFlight: base.inFlight, maxRequests: base.maxRequests, loadIn: base.loadIn, format: base.format, options: base.options, glob: base.glob, apiBase: base.apiBase,
        sbatchArgs: flags.sbatchArgs, image: flags.image, claimName: flags.claim, command: commandFlag(flags.spikesCommand),
      }
      if (flags.k8s) {
        const jobs = writeKubernetesJobs(options)
        io.stdout.write(`wrote ${jobs.scanPath} (Indexed Job, ${shards} completions), ${jobs.mergePath} and ${jobs.runScript}\nrun: sh ${jobs.runScript}\n`)
        return
      }
      const submitted = await submitSlurm(options)
      io.stdout.write(flags.json ? JSON.stringify({ arrayJobId: submitted.arrayJobId, mergeJobId: submitted.mergeJobId }) + '\n' : `submitted array job ${submitted.arrayJobId} (${shards} tasks) and merge job ${submitted.mergeJobId}\n`)
      if (!flags.wait) return
      await waitForSlurm(submitted)
      if (!flags.json) io.stdout.write(`done: ${options.out}/recordings.parquet, ${options.out}/units.parquet\n`)
    })
}

/** --spikes-command '["node","/opt/spikes/bin/spikes.js"]': how the cluster's nodes run spikes. */
function commandFlag(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    parsed = undefined
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || parsed.some((p) => typeof p !== 'string')) throw new InvalidArgumentError('--spikes-command', text, 'a JSON array of strings, e.g. ["spikes"]')
  return parsed as string[]
}
