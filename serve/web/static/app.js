// newsframe page: send the text with explain=true, show both tasks and highlight the evidence terms.
"use strict";

const $ = (id) => document.getElementById(id);
let last = null; // {text, result}

function pct(p) { return (100 * p).toFixed(1) + "%"; }

function bars(container, scores) {
  container.replaceChildren();
  Object.entries(scores).sort((a, b) => b[1] - a[1]).forEach(([label, p]) => {
    const row = document.createElement("div"); row.className = "bar";
    const name = document.createElement("span"); name.textContent = label;
    const fill = document.createElement("span"); fill.className = "fill"; fill.style.width = (8 * p) + "rem";
    const value = document.createElement("span"); value.textContent = pct(p);
    row.append(name, fill, value); container.append(row);
  });
}

function escapeRe(s) { return s.replace(/[.*+?^${}()|[\]\\\/-]/g, "\\$&"); }

// A term as a pattern over the original text: word n-grams match whole tokens with any separators between
// them; character n-grams padded with a space (as TF-IDF's char_wb pads words) match at a word edge.
function termPattern(term, kind) {
  const core = term.trim();
  if (!core) return null;
  const notWord = "[^\\p{L}\\p{N}_]";
  const body = core.split(/\s+/).map(escapeRe).join(notWord + "+");
  const wordKind = kind === "word" || (kind === undefined && /\s/.test(core));
  const pre = wordKind || term.startsWith(" ") ? "(?<![\\p{L}\\p{N}_])" : "";
  const post = wordKind || term.endsWith(" ") ? "(?![\\p{L}\\p{N}_])" : "";
  try { return new RegExp(pre + body + post, "giu"); } catch (e) { return null; }
}

// Non-overlapping [start, end, side, term, weight] spans; stronger terms win overlaps.
function spans(text, explanation) {
  const terms = [];
  for (const side of ["toward", "against"]) {
    for (const t of explanation[side] || []) terms.push({ ...t, side });
  }
  terms.sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight));
  const taken = [];
  for (const t of terms) {
    const re = termPattern(t.term, t.kind);
    if (!re) continue;
    for (const m of text.matchAll(re)) {
      if (!m[0]) break;
      const s = m.index, e = m.index + m[0].length;
      if (taken.every(([a, b]) => e <= a || s >= b)) taken.push([s, e, t.side, t.term, t.weight]);
    }
  }
  return taken.sort((a, b) => a[0] - b[0]);
}

function highlight(text, explanation) {
  const out = $("highlighted");
  out.replaceChildren();
  let at = 0;
  for (const [s, e, side, term, weight] of explanation ? spans(text, explanation) : []) {
    out.append(document.createTextNode(text.slice(at, s)));
    const mark = document.createElement("mark");
    mark.className = side; mark.textContent = text.slice(s, e);
    mark.title = `${term.trim()}: ${weight > 0 ? "+" : ""}${weight.toFixed(3)}`;
    out.append(mark); at = e;
  }
  out.append(document.createTextNode(text.slice(at)));
}

function termList(list, items) {
  list.replaceChildren();
  for (const t of items || []) {
    const li = document.createElement("li");
    li.textContent = `${JSON.stringify(t.term)} ${t.weight > 0 ? "+" : ""}${t.weight.toFixed(3)}`;
    list.append(li);
  }
}

function showEvidence() {
  if (!last) return;
  const task = $("evidence-task").value;
  const explanation = last.result[task].explanation;
  highlight(last.text, explanation);
  termList($("toward-terms"), explanation && explanation.toward);
  termList($("against-terms"), explanation && explanation.against);
}

function show(text, result) {
  last = { text, result };
  for (const task of ["topic", "framing"]) {
    $(task + "-label").textContent = result[task].label;
    $(task + "-confidence").textContent = pct(result[task].confidence);
    bars($(task + "-scores"), result[task].scores);
  }
  const posture = result.framing.posture;
  $("framing-posture").textContent = posture === null || posture === undefined ? ""
    : `probability that it frames any posture: ${pct(posture)}`;
  const low = ["topic", "framing"].some((t) => result[t].explanation && result[t].explanation.low_evidence);
  const known = result.topic.explanation ? result.topic.explanation.known_terms : null;
  $("low-evidence").hidden = !low;
  $("low-evidence").textContent = low ? `Low evidence: only ${known} known word(s) in this text, `
    + "so treat these labels as a weak guess. A longer text (or the article body) helps." : "";
  $("model-version").textContent = result.model_version;
  showEvidence();
  $("result").hidden = false;
}

async function submit(event) {
  event.preventDefault();
  const text = $("text").value;
  $("error").hidden = true;
  $("submit").disabled = true;
  $("status").textContent = "classifying…";
  const headers = { "Content-Type": "application/json" };
  const key = $("api-key").value.trim();
  if (key) headers["X-API-Key"] = key;
  try {
    const response = await fetch("/v1/predict", { method: "POST", headers, body: JSON.stringify({ text, explain: true }) });
    const body = await response.json();
    if (!response.ok) {
      if (response.status === 401) $("key-box").open = true;
      throw new Error(body.error ? body.error.message : `HTTP ${response.status}`);
    }
    show(text, body);
    $("status").textContent = "";
  } catch (err) {
    $("error").textContent = err.message;
    $("error").hidden = false;
    $("status").textContent = "";
  } finally {
    $("submit").disabled = false;
  }
}

document.addEventListener("DOMContentLoaded", () => {
  $("form").addEventListener("submit", submit);
  $("evidence-task").addEventListener("change", showEvidence);
});
