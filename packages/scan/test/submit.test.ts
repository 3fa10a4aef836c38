import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { writeKubernetesJobs, writeSlurmJob } from '../src/index.js'

describe('job files', () => {
  const root = mkdtempSync(join(tmpdir(), 'spikes-scan-submit-'))
  afterAll(() => rmSync(root, { recursive: true, force: true }))
  const out = join(root, 'out')

  it('writes a Kubernetes Indexed Job with one index per shard, and a merge Job', () => {
    const jobs = writeKubernetesJobs({ sources: ['dandi://000409', 's3://bucket/lab/'], out, shards: 12, jobs: 2, image: 'registry.example/spikes:1.0', claimName: 'lab-scans', glob: 'sub-*/*.nwb' })
    const scanJob = JSON.parse(readFileSync(jobs.scanPath, 'utf8'))
    expect(scanJob).toMatchObject({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'spikes-scan' } })
    expect(scanJob.spec).toMatchObject({ completionMode: 'Indexed', completions: 12, parallelism: 12, maxFailedIndexes: 0 })
    const pod = scanJob.spec.template.spec
    expect(pod.restartPolicy).toBe('Never')
    expect(pod.containers).toHaveLength(1)
    const [container] = pod.containers
    expect(container.image).toBe('registry.example/spikes:1.0')
    // Each pod's shard comes from JOB_COMPLETION_INDEX, the count from --shards.
    expect(container.command).toEqual(['spikes', 'scan', 'dandi://000409', 's3://bucket/lab/', '-o', out, '--shards', '12', '--resume', '--jobs', '2', '--glob', 'sub-*/*.nwb'])
    expect(container.resources.requests.cpu).toBe('2')
    expect(container.volumeMounts).toEqual([{ name: 'scan-output', mountPath: out }])
    expect(pod.volumes).toEqual([{ name: 'scan-output', persistentVolumeClaim: { claimName: 'lab-scans' } }])

    const mergeJob = JSON.parse(readFileSync(jobs.mergePath, 'utf8'))
    expect(mergeJob).toMatchObject({ apiVersion: 'batch/v1', kind: 'Job', spec: { completions: 1 } })
    expect(mergeJob.spec.completionMode).toBeUndefined()
    expect(mergeJob.spec.template.spec.containers[0].command).toEqual(['spikes', 'scan', 'merge', out])
    expect(mergeJob.spec.template.spec.volumes).toEqual(pod.volumes)
    const run = readFileSync(jobs.runScript, 'utf8')
    expect(run.indexOf('kubectl wait --for=condition=complete')).toBeGreaterThan(run.indexOf(`kubectl apply -f ${jobs.scanPath}`))
    expect(run.indexOf(`kubectl apply -f ${jobs.mergePath}`)).toBeGreaterThan(run.indexOf('kubectl wait'))
  })

  it('writes an sbatch array of N tasks and a merge script, executable', () => {
    const job = writeSlurmJob({ sources: ['/data/lab'], out, shards: 3, jobs: 2, command: ['/usr/bin/node', '/opt/spikes/bin/spikes.js'], options: { fsHz: 30000 } })
    const array = readFileSync(job.arrayScript, 'utf8')
    expect(array.split('\n')[0]).toBe('#!/bin/bash')
    expect(array).toContain('#SBATCH --array=0-2\n')
    expect(array).toContain('#SBATCH --cpus-per-task=2\n')
    expect(array).toContain(`/usr/bin/node /opt/spikes/bin/spikes.js scan /data/lab -o ${out} --shards 3 --resume --jobs 2 --options '{"fsHz":30000}'\n`)
    expect(array).toContain('task-"$SLURM_ARRAY_TASK_ID".exit')
    const merge = readFileSync(job.mergeScript, 'utf8')
    expect(merge).toContain(`/usr/bin/node /opt/spikes/bin/spikes.js scan merge ${out}\n`)
    expect(merge).not.toContain('--array')
    expect(statSync(job.arrayScript).mode & 0o111).not.toBe(0)
  })

  it('clears the exit codes of an earlier submission into the same folder', () => {
    const first = writeSlurmJob({ sources: ['/data/lab'], out, shards: 2 })
    writeFileSync(join(first.statusDir, 'task-0.exit'), '0\n')
    const again = writeSlurmJob({ sources: ['/data/lab'], out, shards: 2 })
    expect(again.statusDir).toBe(first.statusDir)
    expect(existsSync(join(again.statusDir, 'task-0.exit'))).toBe(false)
  })

  it('runs `spikes` from the repository Dockerfile, the command the manifests name', () => {
    const dockerfile = readFileSync(new URL('../../../Dockerfile', import.meta.url), 'utf8')
    expect(dockerfile).toMatch(/^FROM node:20-/m)
    expect(dockerfile).toContain('ln -s /opt/spikes/packages/cli/bin/spikes.js /usr/local/bin/spikes')
    expect(dockerfile).toMatch(/npx nx run-many -t build/)
    expect(dockerfile).toMatch(/^USER node$/m)
  })

  it('refuses a shard count that is not a whole positive number', () => {
    expect(() => writeSlurmJob({ sources: ['x'], out, shards: 0 })).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT', argument: '--shards' }))
    expect(() => writeKubernetesJobs({ sources: ['x'], out, shards: 2.5 })).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT' }))
  })
})
