/**
 * SpikeLab's keyword arguments are snake_case (`fs_Hz`, `cluster_info_tsv`); ours are lowerCamelCase
 * (`fsHz`, `clusterInfoTsv`). Each letter after an underscore is upper-cased, so `fs_Hz` -> `fsHz`.
 */
export function camelCaseOption(name: string): string {
  return name.replace(/_+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase())
}
