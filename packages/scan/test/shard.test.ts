import { describe, expect, it } from 'vitest'
import { assignShards, listDigest, parseShard, shardFromEnvironment } from '../src/index.js'
import { shellQuote, shellWords, shardCommand } from '../src/command.js'

describe('shard index', () => {
  it('parses --shard I/N (0-based) and refuses what is out of range', () => {
    expect(parseShard('2/3')).toEqual({ index: 2, count: 3 })
    expect(() => parseShard('3/3')).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT' }))
    expect(() => parseShard('1-3')).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT', argument: '--shard' }))
  })

  it('takes the index from Slurm, Kubernetes Indexed Jobs and AWS Batch array jobs', () => {
    expect(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_COUNT: '10' })).toEqual({ index: 4, count: 10 })
    expect(shardFromEnvironment({ JOB_COMPLETION_INDEX: '7' }, undefined, 8)).toEqual({ index: 7, count: 8 })
    expect(shardFromEnvironment({ AWS_BATCH_JOB_ARRAY_INDEX: '0', AWS_BATCH_JOB_ARRAY_SIZE: '2' })).toEqual({ index: 0, count: 2 })
    // --shards overrides the engine's count; an explicit --shard wins over everything.
    expect(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '10' }, undefined, 3)).toEqual({ index: 1, count: 3 })
    expect(shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '10' }, { index: 0, count: 1 })).toEqual({ index: 0, count: 1 })
    expect(shardFromEnvironment({})).toBeUndefined()
  })

  it('names what is missing when the environment is half there', () => {
    expect(() => shardFromEnvironment({ JOB_COMPLETION_INDEX: '2' })).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT', argument: '--shards' }))
    expect(() => shardFromEnvironment({ SLURM_ARRAY_TASK_ID: '5', SLURM_ARRAY_TASK_COUNT: '3' })).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT' }))
    expect(() => shardFromEnvironment({ AWS_BATCH_JOB_ARRAY_INDEX: 'x', AWS_BATCH_JOB_ARRAY_SIZE: '3' })).toThrow(expect.objectContaining({ argument: 'AWS_BATCH_JOB_ARRAY_INDEX' }))
  })
})

describe('shard assignment', () => {
  const items = Array.from({ length: 10 }, (_, i) => ({ source: `s${i}`, size: (i + 1) * 100 }))

  it('covers every item exactly once, keeps the sorted order inside a shard, and balances sizes', () => {
    const shards = assignShards(items, 3)
    expect(shards.flat().map((i) => i.source).sort()).toEqual(items.map((i) => i.source))
    for (const shard of shards) expect(shard.map((i) => i.source)).toEqual([...shard.map((i) => i.source)].sort())
    const loads = shards.map((s) => s.reduce((sum, i) => sum + (i.size ?? 0), 0))
    expect(loads.reduce((a, b) => a + b)).toBe(5500)
    // Largest-first greedy: within one item size of even (5500 / 3).
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(100)
  })

  it('is deterministic, and spreads items of unknown size evenly', () => {
    expect(assignShards(items, 4)).toEqual(assignShards([...items], 4))
    const unknown = Array.from({ length: 9 }, (_, i) => ({ source: `u${i}` }))
    expect(assignShards(unknown, 3).map((s) => s.map((i) => i.source))).toEqual([['u0', 'u3', 'u6'], ['u1', 'u4', 'u7'], ['u2', 'u5', 'u8']])
    expect(assignShards(items.slice(0, 2), 5).map((s) => s.length)).toEqual([1, 1, 0, 0, 0])
  })

  it('digests the source list so shards of different lists are told apart', () => {
    expect(listDigest(items)).toBe(listDigest(items.map((i) => ({ ...i }))))
    expect(listDigest(items)).not.toBe(listDigest(items.slice(1)))
  })
})

describe('job commands', () => {
  it('quotes for the shell and splits --sbatch-args as a shell would', () => {
    expect(shellQuote(['spikes', "it's here", '--options', '{"a": 1}'])).toBe(`spikes 'it'\\''s here' --options '{"a": 1}'`)
    expect(shellWords(`--partition gpu --comment "two words" --x='a b'`)).toEqual(['--partition', 'gpu', '--comment', 'two words', '--x=a b'])
    expect(() => shellWords('--comment "open')).toThrow(expect.objectContaining({ code: 'SPIKES_INVALID_ARGUMENT' }))
  })

  it('passes the scan settings to each shard task, with local paths made absolute', () => {
    const argv = shardCommand({ sources: ['data', 'dandi://000001', '@list.txt'], out: 'out', shards: 4, jobs: 2, options: { fsHz: 30000 }, glob: '*.nwb' }, ['spikes'])
    expect(argv.slice(0, 2)).toEqual(['spikes', 'scan'])
    expect(argv[2]).toBe(`${process.cwd()}/data`)
    expect(argv[3]).toBe('dandi://000001')
    expect(argv[4]).toBe(`@${process.cwd()}/list.txt`)
    expect(argv.slice(5)).toEqual(['-o', `${process.cwd()}/out`, '--shards', '4', '--resume', '--jobs', '2', '--options', '{"fsHz":30000}', '--glob', '*.nwb'])
  })

  it('passes the worker settings on to every shard task', () => {
    const argv = shardCommand({ sources: ['dandi://000001'], out: 'out', shards: 2, inFlight: 3, maxRequests: 4, loadIn: 'loop' }, ['spikes'])
    expect(argv.slice(3)).toEqual(['-o', `${process.cwd()}/out`, '--shards', '2', '--resume', '--jobs', '1', '--in-flight', '3', '--max-requests', '4', '--load-in', 'loop'])
  })
})
