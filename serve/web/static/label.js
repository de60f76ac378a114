// newsframe labelling page: fetch the next queued item for (annotator, task), show the model's suggestion with its
// evidence highlighted, and record a label (number keys), a skip (s) or an undo of the last action (u).
"use strict";

const $ = (id) => document.getElementById(id);
const state = { item: null, labels: [], done: [], busy: false }; // done: event ids of this session's actions

function headers() {
  const h = { "Content-Type": "application/json" };
  const key = $("api-key").value.trim();
  if (key) h["X-API-Key"] = key;
  return h;
}

async function call(method, url, body) {
  const response = await fetch(url, { method, headers: headers(), body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await response.json();
  if (!response.ok) {
    if (response.status === 401) $("key-box").open = true;
    throw new Error(data.error ? data.error.message : `HTTP ${response.status}`);
  }
  return data;
}

function escapeRe(s) { return s.replace(/[.*+?^${}()|[\]\\\/-]/g, "\\$&"); }

// As on the main page: word n-grams match whole tokens, space-padded character n-grams match at a word edge.
function termPattern(term, kind) {
  const core = term.trim();
  if (!core) return null;
  const body = core.split(/\s+/).map(escapeRe).join("[^\\p{L}\\p{N}_]+");
  const wordKind = kind === "word" || (kind === undefined && /\s/.test(core));
  const pre = wordKind || term.startsWith(" ") ? "(?<![\\p{L}\\p{N}_])" : "";
  const post = wordKind || term.endsWith(" ") ? "(?![\\p{L}\\p{N}_])" : "";
  try { return new RegExp(pre + body + post, "giu"); } catch (e) { return null; }
}

function highlight(text, explanation) {
  const terms = [];
  for (const side of ["toward", "against"]) for (const t of (explanation && explanation[side]) || []) terms.push({ ...t, side });
  terms.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight));
  const taken = [];
  for (const t of terms) {
    const re = termPattern(t.term, t.kind);
    if (!re) continue;
    for (const m of text.matchAll(re)) {
      if (!m[0]) break;
      const s = m.index, e = s + m[0].length;
      if (taken.every(([a, b]) => e <= a || s >= b)) taken.push([s, e, t.side]);
    }
  }
  const out = $("item-text");
  out.replaceChildren();
  let at = 0;
  for (const [s, e, side] of taken.sort((a, b) => a[0] - b[0])) {
    out.append(document.createTextNode(text.slice(at, s)));
    const mark = document.createElement("mark");
    mark.className = side; mark.textContent = text.slice(s, e);
    out.append(mark); at = e;
  }
  out.append(document.createTextNode(text.slice(at)));
}

function fail(err) { $("label-error").textContent = err.message; $("label-error").hidden = false; }

function annotator() { return $("annotator").value.trim() || "anonymous"; }

function showProgress(p) {
  $("progress").textContent = `${p.labelled} labelled · ${p.skipped} skipped · ${p.remaining} remaining · ${p.total} queued`;
}

function showKeys(labels) {
  const keys = $("label-keys");
  keys.replaceChildren();
  labels.forEach((label, i) => {
    const button = document.createElement("button");
    button.type = "button"; button.dataset.label = label;
    button.append(`${label} `);
    const kbd = document.createElement("kbd"); kbd.textContent = String(i + 1); button.append(kbd);
    button.addEventListener("click", () => act(() => sendLabel(label)));
    keys.append(button);
  });
}

async function fetchNext() {
  const query = new URLSearchParams({ annotator: annotator(), task: $("task").value });
  return call("GET", `/v1/queue/next?${query}`);
}

function render(next) {
  state.item = next.item; state.labels = next.labels;
  showProgress(next.progress);
  $("done").hidden = next.item !== null;
  $("label-item").hidden = next.item === null;
  if (next.item) {
    const s = next.item.suggestion;
    $("item-meta").textContent = [next.item.source, next.item.published, next.item.id].filter(Boolean).join(" · ");
    $("suggestion").textContent = s ? s.label : "(no suggestion)";
    $("suggestion-confidence").textContent = s ? `${(100 * s.confidence).toFixed(1)}%` : "";
    highlight(next.item.text, s && s.explanation);
    showKeys(next.labels);
  }
  loadAgreement().catch(fail);
}

async function loadAgreement() {
  const body = $("agreement").querySelector("tbody");
  const tasks = (await call("GET", "/v1/agreement")).tasks;
  body.replaceChildren();
  for (const [task, a] of Object.entries(tasks)) {
    const row = document.createElement("tr");
    for (const value of [task, a.items, `${(100 * a.agreement).toFixed(0)}%`, a.kappa === null ? "–" : a.kappa.toFixed(2)]) {
      const cell = document.createElement("td"); cell.textContent = String(value); row.append(cell);
    }
    body.append(row);
  }
}

async function sendLabel(label) {
  if (!state.item) return;
  const item = state.item;
  const body = { task: $("task").value, label, annotator: annotator(), queue_id: item.queue_id };
  if (item.headline !== null || item.body !== null) { body.headline = item.headline; body.body = item.body; }
  else body.text = item.text;
  state.done.push((await call("POST", "/v1/feedback", body)).id);
}

async function sendSkip() {
  if (!state.item) return;
  const event = await call("POST", `/v1/queue/${state.item.queue_id}/skip`, { task: $("task").value, annotator: annotator() });
  state.done.push(event.id);
}

async function sendUndo() {
  const id = state.done.pop();
  if (id === undefined) throw new Error("nothing to undo in this session");
  await call("POST", `/v1/feedback/${id}/undo`);
}

// One action at a time: keys pressed while a request runs are ignored, so a label is never sent twice nor given to
// an item not yet on screen. The next item is shown only once the page takes keys again.
async function act(action) {
  if (state.busy) return;
  state.busy = true;
  $("label-error").hidden = true;
  let next = null;
  try { await action(); next = await fetchNext(); } catch (err) { fail(err); } finally { state.busy = false; }
  if (next) render(next);
}

function onKey(event) {
  if (event.target.matches("input, select, textarea") || event.ctrlKey || event.metaKey || event.altKey) return;
  const n = Number.parseInt(event.key, 10);
  if (n >= 1 && n <= state.labels.length && state.item) { event.preventDefault(); act(() => sendLabel(state.labels[n - 1])); }
  else if (event.key === "s" && state.item) { event.preventDefault(); act(sendSkip); }
  else if (event.key === "u") { event.preventDefault(); act(sendUndo); }
}

document.addEventListener("DOMContentLoaded", () => {
  const params = new URLSearchParams(location.search);
  $("annotator").value = params.get("annotator") || localStorage.getItem("newsframe-annotator") || "";
  if (params.get("task")) $("task").value = params.get("task");
  const start = () => { localStorage.setItem("newsframe-annotator", $("annotator").value.trim()); act(async () => {}); };
  $("start").addEventListener("click", start);
  $("task").addEventListener("change", start);
  $("skip").addEventListener("click", () => act(sendSkip));
  $("undo").addEventListener("click", () => act(sendUndo));
  $("undo-done").addEventListener("click", () => act(sendUndo));
  document.addEventListener("keydown", onKey);
  start();
});
