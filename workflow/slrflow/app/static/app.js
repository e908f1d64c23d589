// slrflow screening page: plain JavaScript, no build step, nothing fetched from outside this server.
"use strict";

const state = {
  settings: null,
  reviewer: null,
  stage: "title_abstract",
  record: null,
  busy: false,
};

const $ = (id) => document.getElementById(id);
const storageKey = () => `slrflow.reviewer:${state.settings ? state.settings.title : ""}`;

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      // The session token this page was served with; the app refuses writes without it.
      "X-Slrflow-Token": document.querySelector('meta[name="slrflow-token"]').content,
    },
    body: JSON.stringify(body),
  };
  const response = await fetch(path, options);
  const data = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (!response.ok) throw new Error(data.error || `HTTP ${response.status}`);
  return data;
}

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

function escapeRegex(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

let highlighter = null;
function buildHighlighter(terms) {
  const all = [...terms.include.map((t) => [t, "inc"]), ...terms.exclude.map((t) => [t, "exc"])];
  if (!all.length) return null;
  all.sort((a, b) => b[0].length - a[0].length);
  const kind = new Map(all);
  // A term matches as a whole word, with an inflection at most: "trial" finds "trials", "data" not "database".
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(${all.map(([t]) => escapeRegex(t)).join("|")})(?:s|es|ed|ing|al)?(?![\\p{L}\\p{N}])`, "giu");
  return { pattern, kind };
}

// Text with criteria words wrapped in <mark>, built from text nodes so record text is never parsed as HTML.
function highlighted(text) {
  const fragment = document.createDocumentFragment();
  if (!highlighter || !text) {
    fragment.append(text || "");
    return fragment;
  }
  let last = 0;
  for (const match of text.matchAll(highlighter.pattern)) {
    fragment.append(text.slice(last, match.index));
    const cls = highlighter.kind.get(match[1].toLowerCase()) || "inc";
    fragment.append(el("mark", { class: cls, text: match[0] }));
    last = match.index + match[0].length;
  }
  fragment.append(text.slice(last));
  return fragment;
}

function toast(text) {
  const node = $("toast");
  node.textContent = text;
  node.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { node.hidden = true; }, 1800);
}

function showMessage(text) {
  const node = $("message");
  node.textContent = text || "";
  node.hidden = !text;
}

function renderSettings() {
  const s = state.settings;
  $("question").textContent = s.question;
  for (const [id, items] of [["include-criteria", s.include], ["exclude-criteria", s.exclude]]) {
    const list = $(id);
    list.replaceChildren(...(items.length ? items : ["(none in config)"]).map((c) => el("li", { text: c })));
  }
  const modes = { single: "single screening", dual: "dual screening", blind_dual: "blind dual screening" };
  $("mode-badge").textContent = modes[s.mode] || s.mode;
  highlighter = buildHighlighter(s.terms);
}

function renderReasons() {
  const reasons = state.settings.reasons[state.stage] || [];
  const select = $("reason");
  const required = state.stage === "full_text";
  select.replaceChildren(
    el("option", { value: "", text: required ? "— choose (needed to exclude) —" : "— none —" }),
    ...reasons.map((r, i) => el("option", { value: r, text: i < 9 ? `${i + 1}. ${r}` : r })),
  );
  select.classList.remove("missing");
  $("reason-field").hidden = reasons.length === 0;
  $("reason-required").hidden = !required;
}

function metaLine(r) {
  const parts = [];
  const authors = r.authors.length > 6 ? `${r.authors.slice(0, 6).join("; ")} et al.` : r.authors.join("; ");
  if (authors) parts.push(el("span", { class: "authors", text: authors }));
  if (r.year) parts.push(el("span", { class: "year", text: ` (${r.year})` }));
  if (r.journal) parts.push(el("span", { text: " · " }), el("span", { class: "journal", text: r.journal }));
  return el("p", { class: "meta" }, ...parts);
}

function decisionPills(r) {
  const line = el("div", { class: "status-line" });
  if (r.my_decision) {
    line.append(el("span", { class: `pill ${r.my_decision.decision}`, text: `You: ${r.my_decision.decision}` }));
  }
  for (const [name, d] of Object.entries(r.others || {})) {
    if (d) line.append(el("span", { class: `pill ${d.decision}`, text: `${name}: ${d.decision}` }));
  }
  if (r.title_abstract) line.append(el("span", { class: "pill", text: `title/abstract: ${r.title_abstract}` }));
  if (r.n_members > 1) line.append(el("span", { class: "pill", text: `${r.n_members} duplicate records merged` }));
  return line.childElementCount ? line : null;
}

function renderRecord(data) {
  const card = $("record");
  state.record = data.record;
  const r = data.record;
  for (const button of document.querySelectorAll("#decision .choice")) {
    button.disabled = !r;
    button.classList.toggle("current", !!(r && r.my_decision && r.my_decision.decision === button.dataset.decision));
  }
  $("note").value = "";
  $("reason").value = "";
  $("reason").classList.remove("missing");
  if (!r) {
    const stageName = state.stage === "full_text" ? "full-text" : "title/abstract";
    card.replaceChildren(el("div", { class: "done" },
      el("h1", { text: "Nothing left in your queue" }),
      el("p", { text: `Every ${stageName} record waiting for ${state.reviewer} has a decision.` })));
    card.dataset.recordId = "";
    return;
  }
  card.dataset.recordId = r.record_id;
  const links = el("p", { class: "links" });
  if (r.doi) links.append(el("a", { href: `https://doi.org/${r.doi}`, target: "_blank", rel: "noopener", text: `doi:${r.doi}` }));
  else if (r.url) links.append(el("a", { href: r.url, target: "_blank", rel: "noopener", text: "link" }));
  if (r.databases.length) links.append(el("span", { text: `found in ${r.databases.join(", ")}` }));
  links.append(el("span", { class: "rid", text: r.record_id }));
  const children = [decisionPills(r), el("h1", { class: "title" }, highlighted(r.title || "(no title)")), metaLine(r), links];
  if (state.stage === "full_text") {
    children.push(...fullText(r));
  } else {
    children.push(r.abstract
      ? el("p", { class: "abstract" }, highlighted(r.abstract))
      : el("p", { class: "abstract empty", text: "No abstract in the search results." }));
    if (r.keywords.length) children.push(el("ul", { class: "keywords" }, ...r.keywords.map((k) => el("li", {}, highlighted(k)))));
  }
  card.replaceChildren(...children.filter(Boolean));
}

function fullText(r) {
  const ft = r.fulltext;
  const nodes = [];
  nodes.push(pdfBar(r.record_id));  // team.js: open the PDF, or why it could not be read
  if (ft.message) nodes.push(el("p", { class: "message", text: ft.message }));
  if (ft.fields && ft.fields.length) {
    nodes.push(el("p", { class: "section-title", text: "Extracted fields" }));
    const body = el("tbody");
    const pdf = ft.pdf ? `/api/team/pdf/${encodeURIComponent(r.record_id)}` : "";
    for (const f of ft.fields) {
      // The page link opens the PDF itself at that page; without a PDF, the extracted text of the page below.
      const page = !f.page ? "" : pdf
        ? el("a", { href: `${pdf}#page=${f.page}`, target: "_blank", rel: "noopener", class: "page-link", text: `p. ${f.page} ↗` })
        : el("a", { href: `#page-${f.page}`, text: `p. ${f.page}` });
      body.append(el("tr", {},
        el("td", { text: f.field }), el("td", {}, highlighted(f.value)), el("td", {}, page),
        el("td", { class: "snippet" }, highlighted(f.snippet))));
    }
    nodes.push(el("table", { class: "fields" },
      el("thead", {}, el("tr", {}, ...["Field", "Value", "Page", "Snippet"].map((h) => el("th", { text: h })))), body));
  }
  if (ft.pages && ft.pages.length) {
    nodes.push(el("p", { class: "section-title", text: `Full text${ft.pdf ? ` · ${ft.pdf}` : ""} · ${ft.pages.length} pages` }));
    const pages = el("div", { class: "pages" });
    ft.pages.forEach((text, i) => {
      pages.append(el("div", { class: "page-label", id: `page-${i + 1}`, text: `Page ${i + 1}` }),
        el("p", { class: "page" }, highlighted(text)));
    });
    nodes.push(pages);
  } else if (r.abstract) {
    nodes.push(el("p", { class: "abstract" }, highlighted(r.abstract)));
  }
  return nodes;
}

// The claim (buscar's test) and the estimate, each under its own label; the server words both (stopping_words.py).
function renderStopping(p) {
  const box = $("stopping");
  box.replaceChildren();
  if (p.stage !== "title_abstract") {
    box.append(el("p", { text: `${p.total} ${p.total === 1 ? "study" : "studies"} reached full text.` }));
    return;
  }
  const words = p.stopping && p.stopping.words;
  if (!words || !words.claim) {
    box.append(el("p", { text: "Stopping rule: not evaluated yet." }));
    return;
  }
  box.append(
    el("p", { id: "stopping-claim", class: `claim${p.stopping.stop ? " stop" : ""}` },
      el("b", { text: `${words.claim_label}: ` }), words.claim),
    el("p", { id: "stopping-estimate", class: "estimate", title: words.estimate_caveat },
      el("b", { text: `${words.estimate_label}: ` }), words.estimate || "none for this ranking yet."));
}

function renderProgress(p) {
  $("n-screened").textContent = p.screened;
  $("n-included").textContent = p.counts.include;
  $("n-maybe").textContent = p.counts.maybe;
  $("n-left").textContent = Math.max(p.total - p.screened, 0);
  $("bar-fill").style.width = `${p.total ? (100 * p.screened) / p.total : 0}%`;
  $("undo").disabled = !p.undo_available;
  renderStopping(p);
  $("plot").innerHTML = p.plot || "";  // SVG drawn by the server from numbers only
  const trained = p.model_trained_on ? ` · trained on ${p.model_trained_on} decisions` : "";
  $("model").textContent = p.model_error ? `Model: ${p.model_error}` : `Ranking: ${p.model}${trained}${p.model_up_to_date ? "" : " · retraining…"}`;
}

function render(data) {
  showMessage("");
  renderRecord(data);
  renderProgress(data.progress);
}

async function load() {
  if (!state.reviewer) return;
  try {
    render(await api(`/api/next?reviewer=${encodeURIComponent(state.reviewer)}&stage=${state.stage}`));
  } catch (error) {
    showMessage(error.message);
  }
}

function flash(decision) {
  const card = $("record");
  card.classList.remove("flash-include", "flash-exclude", "flash-maybe");
  void card.offsetWidth;
  card.classList.add(`flash-${decision}`);
  setTimeout(() => card.classList.remove(`flash-${decision}`), 350);
  const button = document.querySelector(`#decision .choice[data-decision="${decision}"]`);
  button.classList.add("pressed");
  setTimeout(() => button.classList.remove("pressed"), 120);
}

async function decide(decision) {
  if (state.busy || !state.record) return;
  const reason = decision === "exclude" ? $("reason").value : "";
  if (decision === "exclude" && state.stage === "full_text" && !reason) {
    $("reason").classList.add("missing");
    $("reason").focus();
    toast("Choose an exclusion reason first (keys 1–9).");
    return;
  }
  state.busy = true;
  flash(decision);
  try {
    const data = await api("/api/decide", {
      reviewer: state.reviewer, stage: state.stage, record_id: state.record.record_id,
      decision, reason, note: $("note").value,
    });
    render(data);
    toast(`Saved: ${data.saved.decision}${data.saved.reason ? ` (${data.saved.reason})` : ""}`);
    document.dispatchEvent(new Event("slrflow:decided"));
  } catch (error) {
    showMessage(error.message);
  } finally {
    state.busy = false;
  }
}

async function undo() {
  if (state.busy) return;
  state.busy = true;
  try {
    const data = await api("/api/undo", { reviewer: state.reviewer, stage: state.stage });
    render(data);
    toast(data.undo.message);
    document.dispatchEvent(new Event("slrflow:decided"));
  } catch (error) {
    showMessage(error.message);
  } finally {
    state.busy = false;
  }
}

function pickReviewer() {
  const dialog = $("picker");
  $("reviewers").replaceChildren(...state.settings.reviewers.map((name) => {
    const button = el("button", { type: "button", text: name, "data-reviewer": name });
    button.addEventListener("click", () => {
      state.reviewer = name;
      localStorage.setItem(storageKey(), name);
      $("reviewer-button").textContent = name;
      dialog.close();
      load();
      document.dispatchEvent(new Event("slrflow:reviewer"));
    });
    return button;
  }));
  dialog.showModal();
}

function setStage(stage) {
  state.stage = stage;
  for (const tab of document.querySelectorAll(".stage-tab")) tab.classList.toggle("active", tab.dataset.stage === stage);
  renderReasons();
  load();
}

function onKey(event) {
  if ($("picker").open || $("screen-view").hidden) return;  // the list and conflict views have their own keys
  const typing = event.target === $("note");
  if (typing) {
    if (event.key === "Escape" || event.key === "Enter") { $("note").blur(); event.preventDefault(); }
    return;
  }
  if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "z") { event.preventDefault(); undo(); return; }
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const key = event.key;
  const actions = {
    i: () => decide("include"), ArrowRight: () => decide("include"),
    e: () => decide("exclude"), ArrowLeft: () => decide("exclude"),
    m: () => decide("maybe"), u: () => undo(),
    n: () => $("note").focus(),
  };
  const action = actions[key] || actions[key.toLowerCase()];
  if (action) {
    event.preventDefault();
    if (event.target === $("reason")) $("reason").blur();
    action();
    return;
  }
  if (/^[0-9]$/.test(key) && !$("reason-field").hidden) {
    const select = $("reason");
    const index = Number(key);
    if (index < select.options.length) { select.selectedIndex = index; select.classList.remove("missing"); }
    event.preventDefault();
  }
}

async function start() {
  state.settings = await api("/api/settings");
  renderSettings();
  renderReasons();
  for (const button of document.querySelectorAll("#decision .choice")) button.addEventListener("click", () => decide(button.dataset.decision));
  for (const tab of document.querySelectorAll(".stage-tab")) tab.addEventListener("click", () => setStage(tab.dataset.stage));
  $("undo").addEventListener("click", undo);
  $("reviewer-button").addEventListener("click", pickReviewer);
  $("picker").addEventListener("cancel", (event) => { if (!state.reviewer) event.preventDefault(); });
  document.addEventListener("keydown", onKey);
  const remembered = localStorage.getItem(storageKey());
  if (remembered && state.settings.reviewers.includes(remembered)) {
    state.reviewer = remembered;
    $("reviewer-button").textContent = remembered;
    load();
    document.dispatchEvent(new Event("slrflow:reviewer"));
  } else {
    pickReviewer();
  }
  // Decisions typed into the logs by hand appear when the page regains focus.
  window.addEventListener("focus", () => { if (state.reviewer && !state.busy) load(); });
}

start().catch((error) => showMessage(error.message));
