// S3: SigV4 signing, the AWS credential chain, GET Object, and s3:// folders read in place. A separate entry
// so that bundles that never touch S3 stay small; loadSpikeData imports it lazily for s3:// folder URLs.
export * from './s3/s3-client.js'
export * from './s3/s3-folder.js'
