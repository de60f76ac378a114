// newsframe page: send the text with explain=true and actors=true, show both tasks, highlight the evidence terms,
// and show the actors as chips; choosing one highlights its sentences.
"use strict";

const $ = (id) => document.getElementById(id);
let last = null; // {text, result}
let chosen = null; // index of the chosen actor, or null: the evidence terms are shown

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

// The label of a framing object: its "label", else the highest of its scores.
function framingLabel(framing) {
  if (!framing) return "none";
  if (framing.label) return framing.label;
  const scores = framing.scores || framing;
  const best = Object.entries(scores).filter(([, p]) => typeof p === "number").sort((a, b) => b[1] - a[1])[0];
  return best ? best[0] : "none";
}

// The text with the chosen actor's sentences marked, coloured by each sentence's framing.
function highlightActor(actor) {
  const out = $("highlighted");
  out.replaceChildren();
  let at = 0;
  const sentences = [...actor.sentences].sort((a, b) => a.start - b.start);
  for (const s of sentences) {
    if (s.start < at) continue;
    out.append(document.createTextNode(last.text.slice(at, s.start)));
    const mark = document.createElement("mark");
    const label = s.role === "source" ? framingLabel(s.framing) : "none";
    mark.className = `actor ${label} ${s.role}`;
    mark.textContent = last.text.slice(s.start, s.end);
    mark.title = `${actor.name}: ${s.role}` + (s.role === "source" ? `, ${label}` : "");
    out.append(mark); at = s.end;
  }
  out.append(document.createTextNode(last.text.slice(at)));
  $("evidence-legend").hidden = true;
  $("actor-legend").hidden = false;
  $("actor-legend").textContent = `Sentences naming ${actor.name}: where it acts or speaks, coloured by their framing; `
    + "where it is acted upon or only mentioned, outlined.";
}

function chooseActor(index) {
  chosen = chosen === index ? null : index;
  $("actor-chips").querySelectorAll("button").forEach((chip, i) => chip.setAttribute("aria-pressed", String(i === chosen)));
  if (chosen === null) showEvidence(); else highlightActor(last.result.actors[chosen]);
}

function showActors(actors) {
  const chips = $("actor-chips");
  chips.replaceChildren();
  chosen = null;
  $("actors").hidden = !actors;
  $("no-actors").hidden = !actors || actors.length > 0;
  (actors || []).forEach((actor, i) => {
    const chip = document.createElement("button");
    const label = actor.framing.label;
    chip.type = "button"; chip.className = `chip ${label}`; chip.setAttribute("aria-pressed", "false");
    chip.dataset.code = actor.code;
    const confidence = typeof actor.framing.confidence === "number" ? " " + pct(actor.framing.confidence) : "";
    chip.textContent = `${actor.name} · ${actor.role} · ${label}${label === "none" ? "" : confidence}`;
    chip.title = `${actor.code} (${actor.kind}${actor.sector ? ", " + actor.sector : ""}), ${actor.mentions} mention(s)`;
    chip.addEventListener("click", () => chooseActor(i));
    chips.append(chip);
  });
}

function showEvidence() {
  if (!last) return;
  if (chosen !== null) { chooseActor(chosen); return; } // choosing a task again leaves the actor view
  $("evidence-legend").hidden = false;
  $("actor-legend").hidden = true;
  const task = $("evidence-task").value;
  const explanation = last.result[task] ? last.result[task].explanation : null;
  highlight(last.text, explanation);
  termList($("toward-terms"), explanation && explanation.toward);
  termList($("against-terms"), explanation && explanation.against);
}

function show(text, result) {
  last = { text, result };
  for (const task of ["topic", "framing"]) {
    // A version trained without this task's labels answers without it.
    $(task + "-label").textContent = result[task] ? result[task].label : "(not trained)";
    if (!result[task]) { $(task + "-confidence").textContent = ""; bars($(task + "-scores"), {}); continue; }
    $(task + "-confidence").textContent = pct(result[task].confidence);
    bars($(task + "-scores"), result[task].scores);
  }
  const posture = result.framing ? result.framing.posture : null;
  $("framing-posture").textContent = posture === null || posture === undefined ? ""
    : `probability that it frames any posture: ${pct(posture)}`;
  const low = ["topic", "framing"].some((t) => result[t] && result[t].explanation && result[t].explanation.low_evidence);
  const first = result.topic || result.framing;
  const known = first.explanation ? first.explanation.known_terms : null;
  $("low-evidence").hidden = !low;
  $("low-evidence").textContent = low ? `Low evidence: only ${known} known word(s) in this text, `
    + "so treat these labels as a weak guess. A longer text (or the article body) helps." : "";
  $("model-version").textContent = result.model_version;
  showActors(result.actors);
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
    const response = await fetch("/v1/predict", { method: "POST", headers, body: JSON.stringify({ text, explain: true, actors: true }) });
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
