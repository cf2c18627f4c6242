// Child process of bench/api/run.ts: the baseline. A bare node:http server with the same postgres.js
// pool (same size, same type parsers) running the same SQL as layers/repositories/projects.ts
// (findProject, listProjects) and answering the same JSON, with no auth, routing or validation.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from '../../layers/repositories/db.ts';

const databaseUrl = process.argv[2];
const poolMax = Number(process.argv[3] ?? '10');
if (!databaseUrl) throw new Error('usage: bare-server.ts <database-url> [pool-max]');
const sql = connect({ url: databaseUrl, max: poolMax });

type Row = Record<string, unknown>;

// The response fields in the API's order; copying them into a fresh object is the cheapest way to drop
// deleted_at and the window total (the API's projectView does the same with an object literal).
const fields = ['id', 'owner_id', 'title', 'url', 'host_name', 'ip_address', 'description', 'status_interval', 'time_limit', 'is_public', 'category', 'tags', 'custom_headers', 'is_active', 'maintenance_mode', 'maintenance_message', 'maintenance_ends_at', 'content_change_detection', 'content_selector', 'keyword_monitoring', 'keywords', 'keyword_alert_on_found', 'created_at', 'updated_at'];
const view = (row: Row): Row => {
  const out: Row = {};
  for (const f of fields) out[f] = row[f];
  return out;
};

const send = (res: import('node:http').ServerResponse, status: number, data: unknown) => {
  const body = JSON.stringify(data);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
};

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://bare');
  const one = /^\/api\/v1\/projects\/(\d+)$/.exec(url.pathname);
  const run = async () => {
    if (one) {
      // findProject
      const [row] = await sql<Row[]>`
        SELECT p.*, s.check_interval AS status_interval
        FROM projects p JOIN monitoring_settings s ON s.project_id = p.id
        WHERE p.id = ${Number(one[1])} AND p.is_active`;
      if (!row) return send(res, 404, { detail: 'project not found', code: 'NOT_FOUND', errors: [] });
      return send(res, 200, view(row));
    }
    if (url.pathname === '/api/v1/projects') {
      // listProjects, no filters
      const size = Number(url.searchParams.get('size') ?? 20);
      const page = Number(url.searchParams.get('page') ?? 1);
      const rows = await sql<Row[]>`
        SELECT p.*, s.check_interval AS status_interval, count(*) OVER ()::int AS total
        FROM projects p JOIN monitoring_settings s ON s.project_id = p.id
        WHERE true AND p.is_active
        ORDER BY p.id LIMIT ${size} OFFSET ${(page - 1) * size}`;
      const total = Number(rows[0]?.['total'] ?? 0);
      const items = rows.map(view);
      return send(res, 200, { items, total, page, size, pages: Math.ceil(total / size) });
    }
    send(res, 404, { detail: 'no route', code: 'NOT_FOUND', errors: [] });
  };
  run().catch(() => send(res, 500, { detail: 'internal server error', code: 'INTERNAL', errors: [] }));
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${port}` }) + '\n');
});
process.on('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void sql.end({ timeout: 2 }).then(() => process.exit(0));
});
