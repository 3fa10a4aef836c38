/** Elements per streamed chunk (8 MiB of uint64 spike times). */
export const CHUNK_LENGTH = 1 << 20
