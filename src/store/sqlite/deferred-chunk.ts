// The encoding of a deferred chunk (migration 0008): message rows as flat column values, `width`
// per row in the writer's column order. Each column is stored once when every row shares its
// value and as an array of one value per row otherwise; values are scalars (text, number, null),
// so an array is never ambiguous. A 1,000-message bulk chunk with one text is mostly ids and numbers.
// Message columns are only ever appended: a chunk written before a column existed decodes with that
// column null (the column's value for every message accepted before it).

export function encodeChunk(flat: readonly unknown[], width: number): string {
  const rows = flat.length / width;
  const columns: unknown[] = new Array(width);
  for (let c = 0; c < width; c++) {
    const first = flat[c];
    let shared = true;
    for (let r = 1; r < rows; r++) {
      if (flat[r * width + c] !== first) {
        shared = false;
        break;
      }
    }
    if (shared) {
      columns[c] = first;
      continue;
    }
    const values: unknown[] = new Array(rows);
    for (let r = 0; r < rows; r++) values[r] = flat[r * width + c];
    columns[c] = values;
  }
  return JSON.stringify(columns);
}

/** The flat column values of a chunk's `rows` rows (missing trailing columns null); throws when the stored chunk is not one. */
export function decodeChunk(data: string, width: number, rows: number): unknown[] {
  const columns: unknown = JSON.parse(data);
  if (!Array.isArray(columns) || columns.length === 0 || columns.length > width || columns.some((c) => Array.isArray(c) && c.length !== rows)) {
    throw new Error(`deferred chunk is malformed: expected ${width} columns of ${rows} row(s)`);
  }
  const flat: unknown[] = new Array(rows * width);
  for (let c = 0; c < width; c++) {
    const column: unknown = c < columns.length ? columns[c] : null;
    if (Array.isArray(column)) {
      for (let r = 0; r < rows; r++) flat[r * width + c] = column[r];
    } else {
      for (let r = 0; r < rows; r++) flat[r * width + c] = column;
    }
  }
  return flat;
}
