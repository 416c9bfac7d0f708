// recharts sorts a legend by name; every chart here lists its series as it draws them.

/** a legend sorter that keeps `names`' order: the order the series are drawn in */
export const inDrawOrder = (names: readonly string[]) => (item: { value?: unknown }) =>
  names.indexOf(String(item.value))
