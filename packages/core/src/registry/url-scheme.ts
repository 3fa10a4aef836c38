const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i

/** The lower-case scheme of a URL written `scheme://…` ('https', 's3', 'dandi'); undefined for a path (`C:\x` too). */
export function urlScheme(text: string): string | undefined {
  return SCHEME.exec(text)?.[1]?.toLowerCase()
}
