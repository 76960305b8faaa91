/**
 * Sends a list as JSON or as CSV, the one switch every tabular endpoint has (ARCHITECTURE §8
 * `format=json|csv`). The CSV carries the same rows and values as the JSON `items`.
 */
import type { FastifyReply } from 'fastify';
import { type CsvRow, toCsv } from './csv.js';
import type { Format } from './schemas.js';

export interface TableReply {
  format: Format;
  rows: readonly CsvRow[];
  /** Fixed column order; without it the keys of the rows in first-seen order. */
  columns?: readonly string[];
  /** Download name without extension, e.g. `dead-letters`. */
  filename: string;
  /** The JSON body; defaults to `{ items: rows }`. */
  json?: unknown;
}

export function sendTable(reply: FastifyReply, table: TableReply): FastifyReply {
  if (table.format === 'csv') {
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${table.filename}.csv"`)
      .send(toCsv(table.rows, table.columns));
  }
  return reply.send(table.json ?? { items: table.rows });
}
