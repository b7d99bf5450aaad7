/** A plain-text table for the terminal: a header row, a rule, right-aligned numbers. */
export function table(title: string, header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [header, ...rows].map(row => row.map(cell => String(cell)))
  const widths = header.map((_, column) => Math.max(...cells.map(row => (row[column] ?? '').length)))
  const isNumber = (text: string): boolean => /^[-+]?[\d.,]+( ?[a-zA-Z%×µ]+)?$/.test(text)
  const line = (row: readonly string[]): string =>
    row
      .map((cell, column) => {
        const width = widths[column] ?? cell.length
        return column > 0 && isNumber(cell) ? cell.padStart(width) : cell.padEnd(width)
      })
      .join('  ')
      .trimEnd()
  const [head = [], ...body] = cells
  return [title, '', line(head), widths.map(width => '-'.repeat(width)).join('  '), ...body.map(line)].join('\n')
}
