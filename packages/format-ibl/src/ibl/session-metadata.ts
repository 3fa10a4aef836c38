import type { AlyxClient } from './alyx.js'

type Rec = Record<string, unknown>

function isRecord(v: unknown): v is Rec {
  return !!v && typeof v === 'object' && !Array.isArray(v)
}

async function tryGet(client: AlyxClient, path: string): Promise<Rec | undefined> {
  try {
    const { body } = await client.get(path)
    return isRecord(body) ? body : undefined
  } catch (error) {
    if ((error as { code?: string }).code === 'SPIKES_ABORTED') throw error
    return undefined
  }
}

function copy(from: Rec, to: Rec, pairs: readonly (readonly [string, string])[]): void {
  for (const [src, dst] of pairs) {
    const v = from[src]
    if (v !== null && v !== undefined) to[dst] = v
  }
}

/**
 * SpikeLab's best-effort session, subject and probe-insertion metadata: each Alyx call may fail
 * (network, permissions, schema drift) and then its keys are simply absent.
 */
export async function sessionMetadata(client: AlyxClient, eid: string, insertion: Rec | undefined): Promise<Rec> {
  const md: Rec = {}
  const session = await tryGet(client, `sessions/${eid}`)
  if (session) {
    // Alyx sessions carry `projects` (a list); `project` (one name) only in old records.
    const projects = Array.isArray(session.projects) ? session.projects.filter((p): p is string => typeof p === 'string') : typeof session.project === 'string' ? [session.project] : []
    if (projects.length) {
      md.projects = projects
      md.project = projects[0]
    }
    copy(session, md, [
      ['start_time', 'session_start_time'],
      ['end_time', 'session_end_time'],
      ['lab', 'lab'],
      ['task_protocol', 'task_protocol'],
      ['number', 'session_number'],
      ['procedures', 'procedures'],
      ['qc', 'qc'],
    ])
    const subject = session.subject
    if (typeof subject === 'string' && subject) {
      md.subject_id = subject
      const s = await tryGet(client, `subjects/${encodeURIComponent(subject)}`)
      if (s)
        copy(s, md, [
          ['species', 'species'],
          ['sex', 'sex'],
          ['birth_date', 'date_of_birth'],
          ['age_weeks', 'age_weeks'],
          ['strain', 'strain'],
          ['genotype', 'genotype'],
          ['responsible_user', 'responsible_user'],
        ])
    }
  }
  if (insertion) {
    if (insertion.name) md.probe_name = insertion.name
    if (insertion.model) md.probe_model = insertion.model
    const json = insertion.json
    if (isRecord(json)) for (const key of ['x', 'y', 'z', 'theta', 'phi', 'depth']) if (json[key] !== null && json[key] !== undefined) md[`insertion_${key}`] = json[key]
  }
  return md
}
