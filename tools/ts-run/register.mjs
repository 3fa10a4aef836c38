// `node --import <this file>`: installs hooks.mjs, so the process can import the workspace's .ts sources.
import { register } from 'node:module'

register('./hooks.mjs', import.meta.url)
