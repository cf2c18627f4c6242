// CSV export of one million results: peak memory growth of the process serving it (goal < 64 MB).
//   TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npx tsx bench/reports/export.ts [rows]
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import os from 'node:os';
import v8 from 'node:v8';
import { startTestApp } from '../../test/support/app.ts';

const ROWS = Number(process.argv[2] ?? 1_000_000);
if (!process.env['TEST_DATABASE_URL']) throw new Error('set TEST_DATABASE_URL to a PostgreSQL server (a fresh database is made and dropped)');

const app = await startTestApp();
try {
  const admin = await app.user('admin');
  const p = await app.request('POST', '/api/v1/projects', { token: admin.token, body: { title: 'Bench', url: 'http://127.0.0.1:9/' } });
  const id = p.body.id as number;
  const t0 = Date.now() - ROWS * 60_000;
  const load = performance.now();
  await app.system.ctx.sql`INSERT INTO check_results (project_id, checked_at, is_available, status_code, response_time, error_message)
    SELECT ${id}, to_timestamp(${Math.floor(t0 / 1000)}::float8 + g * 60), g % 97 <> 0, CASE WHEN g % 97 = 0 THEN 503 ELSE 200 END, 80 + (g % 50) * 1.5,
      CASE WHEN g % 97 = 0 THEN 'Service Unavailable, "upstream" timed out' END
    FROM generate_series(1, ${ROWS}) g`;
  console.log(`loaded ${ROWS.toLocaleString('en')} rows in ${((performance.now() - load) / 1000).toFixed(1)} s`);

  const url = `${app.url}/api/v1/projects/${id}/logs/export.csv`;
  const headers = { authorization: `Bearer ${admin.token}` };
  // Warm up the code paths, then measure from a settled heap.
  await (await fetch(`${url}?to=${new Date(t0 + 20_000 * 60_000).toISOString()}`, { headers })).text();
  globalThis.gc?.();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const spaces = () => new Map(v8.getHeapSpaceStatistics().map((s) => [s.space_name, s.space_size]));
  const spacesBefore = spaces();
  // What the process held at its peak RSS: V8's spaces (committed) and memory outside the heap.
  let atPeak = { m: before, spaces: spacesBefore };
  const sample = setInterval(() => {
    const m = process.memoryUsage();
    if (m.rss > peakRss) atPeak = { m, spaces: spaces() };
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 10);
  const started = performance.now();
  // The client is another process (curl), so the figure is the server's alone.
  const curl = spawn('curl', ['-sS', '-H', `authorization: Bearer ${admin.token}`, '-w', '%{http_code}', '-o', '-', url]);
  let bytes = 0;
  let lines = 0;
  let tail = '';
  curl.stdout.on('data', (value: Buffer) => {
    bytes += value.length;
    for (const b of value) if (b === 10) lines++;
    tail = value.subarray(-3).toString();
  });
  await once(curl, 'close');
  const res = { status: Number(tail) };
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sample);
  const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
  console.log(`machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), load ${os.loadavg()[0]!.toFixed(2)}; node ${process.version}`);
  console.log(`status ${res.status}, ${(lines - 1).toLocaleString('en')} rows, ${mb(bytes)} MB in ${seconds.toFixed(1)} s (${Math.round((lines - 1) / seconds).toLocaleString('en')} rows/s)`);
  console.log(`peak memory growth while exporting: rss +${mb(peakRss - before.rss)} MB, heap +${mb(peakHeap - before.heapUsed)} MB (goal: < 64 MB)`);
  const grown = [...atPeak.spaces].map(([name, size]) => [name, size - (spacesBefore.get(name) ?? 0)] as const).filter(([, d]) => Math.abs(d) >= 1 << 20);
  console.log(`at the peak: ${grown.map(([name, d]) => `${name} ${d > 0 ? '+' : ''}${mb(d)}`).join(', ') || 'no heap space grew by 1 MB'}; external ${mb(atPeak.m.external - before.external)}, array buffers ${mb(atPeak.m.arrayBuffers - before.arrayBuffers)} MB`);
  if (lines - 1 !== ROWS) throw new Error(`expected ${ROWS} rows, got ${lines - 1}`);
} finally {
  await app.close();
}
