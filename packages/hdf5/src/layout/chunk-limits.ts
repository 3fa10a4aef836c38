// Limits the chunk checks (check-chunks.ts) and the readers beside h5wasm (the tree reader, the parallel chunk
// path) share, in a module of their own so that those readers do not load the checks' inflater (fflate).

/**
 * Largest decoded chunk of a filtered dataset that HDF5 is asked to read: it holds the whole chunk in the wasm heap
 * (capped near 2 GiB) next to the read buffer.
 */
export const MAX_FILTERED_CHUNK_BYTES = 1024 * 1024 * 1024

/** Deflate's largest expansion (~1032:1): a chunk claiming more output per stored byte is corrupt or a bomb. */
export const DEFLATE_MAX_RATIO = 1032
