// HTTP(S) and S3 for @spikes: Range-read sources, web-listing and S3 folders, fetch with retries, SigV4.
export * from './http/http-fetch.js'
export * from './http/http-source.js'
export * from './http/http-folder.js'
export * from './http/folder-listing.js'
export * from './s3/s3-client.js'
export * from './s3/s3-folder.js'
export { httpResolver, s3FolderResolver } from './resolvers.js'
export { registerRemote } from './register-remote.js'
