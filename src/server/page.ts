// The page served at / when the browser demo (dist/web) has not been built: an upload
// form that needs no JavaScript (the browser shows the JSON report).

export function fallbackPage(opts: { version: string; model: string; apiKey: boolean }): string {
  const keyNote = opts.apiKey
    ? '<p class="note">This server requires an API key, which a plain form cannot send: use <code>curl -H "Authorization: Bearer &lt;key&gt;"</code>.</p>'
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Anomalyze</title>
<style>
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; line-height: 1.5; }
  body { max-width: 42rem; margin: 3rem auto; padding: 0 1rem; }
  h1 { margin-bottom: 0; }
  .sub { margin-top: 0; opacity: .75; }
  form { display: grid; gap: .75rem; padding: 1rem; border: 1px solid #8886; border-radius: .5rem; }
  .buttons { display: flex; flex-wrap: wrap; gap: .5rem; }
  button { padding: .4rem 1.2rem; font: inherit; }
  code { font-size: .9em; }
  .note { font-size: .9em; opacity: .8; }
</style>
</head>
<body>
<main>
<h1>Anomalyze</h1>
<p class="sub">Network intrusion detection with an ensemble of K-means models · v${escapeHtml(opts.version)} · model <code>${escapeHtml(opts.model)}</code></p>
<p>Upload a KDD-format CSV file (NSL-KDD, KDD Cup 1999, with or without header) to get the detection report as JSON.</p>
<form method="post" action="/api/detect" enctype="multipart/form-data">
  <label for="file">CSV file</label>
  <input id="file" name="file" type="file" accept=".csv,.txt,text/csv,text/plain" required>
  <div class="buttons">
    <button type="submit">Detect anomalies</button>
    <button type="submit" formaction="/api/detect?all=1">Report every record</button>
  </div>
</form>
${keyNote}
<p class="note">The interactive demo appears here once it is built (<code>npm run build</code>).
API: <a href="/api/health">/api/health</a> · <a href="/api/model">/api/model</a> · <a href="/api/openapi.json">/api/openapi.json</a></p>
</main>
</body>
</html>
`;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
