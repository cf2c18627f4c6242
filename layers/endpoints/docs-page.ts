// The API docs page: self-contained (no CDN), renders /api/v1/openapi.json and can try requests.
export const docsPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Py_Monitor API</title>
<style>
body{font:14px/1.5 system-ui,sans-serif;margin:0;color:#1f2933;background:#f5f7fa}
header{background:#1f2933;color:#fff;padding:16px 24px;display:flex;gap:16px;align-items:center;flex-wrap:wrap}
header h1{font-size:18px;margin:0}header input{flex:1;min-width:240px;padding:6px;border-radius:4px;border:0}
main{max-width:1100px;margin:0 auto;padding:16px 24px}h2{text-transform:capitalize;border-bottom:1px solid #cbd2d9;padding-bottom:4px}
details{background:#fff;border:1px solid #e4e7eb;border-radius:6px;margin:6px 0}summary{cursor:pointer;padding:8px 12px;display:flex;gap:12px;align-items:center}
.m{font-weight:700;width:64px;text-align:center;border-radius:4px;color:#fff;padding:2px 0;font-size:12px}
.GET{background:#2680c2}.POST{background:#3f9142}.PUT{background:#c99a2e}.PATCH{background:#8e6fc4}.DELETE{background:#c94b4b}
.p{font-family:ui-monospace,monospace}.role{margin-left:auto;font-size:12px;color:#616e7c}.body{padding:8px 16px 16px}
pre{background:#f0f4f8;padding:8px;border-radius:4px;overflow:auto;max-height:320px}table{border-collapse:collapse}td,th{padding:2px 8px;text-align:left;border-bottom:1px solid #e4e7eb}
textarea{width:100%;min-height:90px;font-family:ui-monospace,monospace}button{padding:6px 14px}
</style></head><body>
<header><h1>Py_Monitor API</h1><input id="token" placeholder="Bearer token (from POST /api/v1/auth/login)"><a style="color:#9fb3c8" href="/api/v1/openapi.json">openapi.json</a></header>
<main id="root">Loading…</main>
<script>
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c]));
const tokenBox = document.getElementById('token');
tokenBox.value = localStorage.getItem('pym_docs_token') || '';
tokenBox.onchange = () => localStorage.setItem('pym_docs_token', tokenBox.value.trim());
fetch('/api/v1/openapi.json').then((r) => r.json()).then((doc) => {
  const byTag = {};
  for (const [path, ops] of Object.entries(doc.paths)) for (const [m, op] of Object.entries(ops)) (byTag[op.tags[0]] ||= []).push({ path, m: m.toUpperCase(), op });
  const root = document.getElementById('root');
  root.innerHTML = '<p>' + esc(doc.info.description) + '</p>';
  for (const [tag, list] of Object.entries(byTag)) {
    root.insertAdjacentHTML('beforeend', '<h2>' + esc(tag) + '</h2>');
    for (const { path, m, op } of list) {
      const d = document.createElement('details');
      const params = (op.parameters || []).map((p) => '<tr><td class="p">' + esc(p.name) + '</td><td>' + p.in + '</td><td>' + (p.required ? 'required' : '') + '</td><td class="p">' + esc(JSON.stringify(p.schema)) + '</td></tr>').join('');
      const body = op.requestBody ? op.requestBody.content['application/json'].schema : null;
      const ok = Object.entries(op.responses).find(([c]) => c < '300');
      const okSchema = ok && ok[1].content && ok[1].content['application/json'] ? ok[1].content['application/json'].schema : null;
      d.innerHTML = '<summary><span class="m ' + m + '">' + m + '</span><span class="p">' + esc(path) + '</span><span>' + esc(op.summary) + '</span><span class="role">' + esc(op['x-required-role']) + '</span></summary>' +
        '<div class="body">' + (params ? '<h4>Parameters</h4><table>' + params + '</table>' : '') +
        (body ? '<h4>Request body</h4><pre>' + esc(JSON.stringify(body, null, 2)) + '</pre>' : '') +
        (okSchema ? '<h4>Response ' + ok[0] + '</h4><pre>' + esc(JSON.stringify(okSchema, null, 2)) + '</pre>' : '') +
        '<h4>Try it</h4><div><input class="url p" style="width:100%" value="' + esc(path) + '"></div>' +
        (body || m !== 'GET' ? '<textarea class="req">{}</textarea>' : '') + '<p><button>Send</button></p><pre class="out"></pre></div>';
      d.querySelector('button').onclick = async () => {
        const out = d.querySelector('.out');
        const headers = {};
        if (tokenBox.value.trim()) headers.authorization = 'Bearer ' + tokenBox.value.trim();
        const init = { method: m, headers };
        const req = d.querySelector('.req');
        if (req && m !== 'GET' && m !== 'DELETE') { headers['content-type'] = 'application/json'; init.body = req.value; }
        const res = await fetch(d.querySelector('.url').value, init);
        const text = await res.text();
        let shown = text; try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch {}
        out.textContent = res.status + ' ' + res.statusText + '\\n' + shown;
        if (path.endsWith('/auth/login') && res.ok) { try { tokenBox.value = JSON.parse(text).access_token; tokenBox.onchange(); } catch {} }
      };
      root.appendChild(d);
    }
  }
});
</script></body></html>`;
