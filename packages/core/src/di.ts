// One container and one reflect polyfill for every plugin: plugins import these from core,
// never tsyringe directly, so two installed copies cannot split the registry.
import 'reflect-metadata'
export { container, inject, injectAll, injectable, type DependencyContainer, type InjectionToken } from 'tsyringe'
