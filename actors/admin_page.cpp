#include "actors/admin.hpp"

namespace utsjekk {

namespace {

/// The page: plain HTML and JavaScript over /admin/actors, refreshing
/// itself every two seconds. Data goes in through textContent only.
constexpr std::string_view page = R"html(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>utsjekk admin</title>
<style>
body { font-family: sans-serif; margin: 1.5em; color: #1b1b1b; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
h2 { font-size: 1.15em; margin-top: 1.5em; }
table { border-collapse: collapse; font-size: 0.9em; }
th, td { border: 1px solid #c6c2bf; padding: 0.25em 0.6em; }
th { background: #f1f1f1; text-align: left; }
td.num { text-align: right; }
.note { color: #595959; }
.bad { color: #ba3a26; font-weight: bold; }
.warn { background: #fff3cd; }
.parked { color: #ba3a26; }
details { margin: 0.3em 0; }
summary { cursor: pointer; font-weight: bold; }
ul { margin: 0.2em 0 0.2em 1em; }
</style>
</head>
<body>
<h1>utsjekk admin</h1>
<p class="note">Refreshes every 2 s. <span id="updated">Loading</span>
<span id="problem" class="bad"></span></p>
<h2>Waiting for kvittering (<span id="waiting-count">0</span>)</h2>
<table id="waiting">
<thead><tr><th>waiting</th><th>transaction</th><th>fagsystem</th>
<th>sak</th><th>step</th><th>attempt</th><th>next deadline</th>
<th>last error</th></tr></thead>
<tbody></tbody>
</table>
<h2>Failed transactions (<span id="failed-count">0</span>)</h2>
<table id="failed">
<thead><tr><th>finished</th><th>transaction</th><th>fagsystem</th>
<th>sak</th><th>code</th><th>message</th></tr></thead>
<tbody></tbody>
</table>
<h2>Actor tree</h2>
<div id="tree"></div>
<h2>Readers</h2>
<table id="readers">
<thead><tr><th>topic</th><th>partition</th><th>position</th>
<th>high watermark</th><th>lag</th></tr></thead>
<tbody></tbody>
</table>
<script>
"use strict";
function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  if (cls) e.className = cls;
  return e;
}
function row(cells, cls) {
  const tr = el("tr", null, cls);
  for (const c of cells) {
    const td = el("td", c.text !== undefined ? c.text : c);
    if (c.num) td.className = "num";
    tr.appendChild(td);
  }
  return tr;
}
function age(seconds) {
  if (seconds === null || seconds === undefined) return "";
  const s = Math.floor(seconds);
  if (s < 60) return s + " s";
  if (s < 3600) return Math.floor(s / 60) + " min " + (s % 60) + " s";
  return Math.floor(s / 3600) + " h " + Math.floor((s % 3600) / 60)
    + " min";
}
function when(t) {
  return t ? t.replace("T", " ").slice(0, 19) : "";
}
function fill(id, rows) {
  const body = document.querySelector("#" + id + " tbody");
  body.replaceChildren(...rows);
}
function tx(t) {
  return t.key + " (" + t.state + ", " + t.step + ")";
}
function render(data) {
  const waiting = data.waiting.map(t => row([
    {text: age(t.waitSeconds), num: true}, t.key, t.fagsystem, t.sakId,
    t.step, {text: t.attempt, num: true}, when(t.deadline),
    t.lastError || ""], t.waitSeconds > 3600 ? "warn" : null));
  fill("waiting", waiting);
  document.getElementById("waiting-count").textContent = waiting.length;
  const failed = data.failed.map(t => row([
    when(t.finished), t.key, t.fagsystem, t.sakId,
    t.outcome && t.outcome.error ? t.outcome.error.statusCode : "",
    t.outcome && t.outcome.error ? t.outcome.error.msg : ""]));
  fill("failed", failed);
  document.getElementById("failed-count").textContent = failed.length;
  const tree = [];
  for (const s of data.supervisors) {
    const d = el("details");
    d.open = s.saker.length > 0;
    d.appendChild(el("summary", "supervisor " + s.fagsystem + ": "
      + s.inFlight + " in flight, " + s.queued + " queued, "
      + s.finished + " finished, " + s.crashed + " crashed"));
    const ul = el("ul");
    for (const k of s.saker) {
      const li = el("li", "sak " + k.sakId + (k.parked ? " (parked)" : "")
        + ": ", k.parked ? "parked" : null);
      li.appendChild(el("span", k.queue.map(tx).join(" \u2192 ")));
      ul.appendChild(li);
    }
    if (s.omitted > 0) ul.appendChild(el("li", s.omitted + " more saker"));
    d.appendChild(ul);
    tree.push(d);
  }
  document.getElementById("tree").replaceChildren(...tree);
  fill("readers", data.readers.map(r => row([
    r.topic, {text: r.partition, num: true},
    {text: r.position < 0 ? "" : r.position, num: true},
    {text: r.highWatermark, num: true},
    {text: r.lag === null ? "" : r.lag, num: true}])));
  document.getElementById("updated").textContent =
    "Updated " + when(data.generatedAt) + ".";
}
async function refresh() {
  try {
    const res = await fetch("/admin/actors", {cache: "no-store"});
    const data = await res.json();
    if (!res.ok) throw new Error(data.error || res.statusText);
    render(data);
    document.getElementById("problem").textContent = "";
  } catch (e) {
    document.getElementById("problem").textContent =
      "Could not refresh: " + e.message;
  }
  setTimeout(refresh, 2000);
}
refresh();
</script>
</body>
</html>
)html";

} // namespace

std::string_view admin_page() {
  return page;
}

} // namespace utsjekk
