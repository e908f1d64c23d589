// slrflow team views: the list of every record and the conflict screen. Uses app.js's api(), el(), $(),
// highlighted(), toast(), showMessage() and state, so every request goes through the one fetch helper.
"use strict";

const team = {
  view: "screen",
  list: null, // the last /api/team/records answer
  selected: null, // record id open in the list's detail pane
  detail: null, // that record as /api/team/record gave it
  conflicts: null,
  conflictIndex: 0,
  timer: null,
  busy: false,
  workflowTimer: null,
  workflowFollowed: false, // a run this page saw running: when it ends, the page loads its data again
};

const STATUS_LABEL = {
  pending: "pending", include: "include", exclude: "exclude", maybe: "maybe", conflict: "conflict",
};

function teamQuery(extra = {}) {
  const params = new URLSearchParams({ reviewer: state.reviewer, stage: state.stage });
  for (const [id, name] of [["f-q", "q"], ["f-status", "status"], ["f-mine", "mine"], ["f-conflict", "conflict"],
    ["f-database", "database"], ["f-label", "label"], ["f-sort", "sort"]]) {
    const value = $(id).value.trim();
    if (value) params.set(name, value);
  }
  for (const [name, value] of Object.entries(extra)) params.set(name, value);
  return params.toString();
}

function pill(decision, prefix, title) {
  if (!decision) return null;
  const text = prefix ? `${prefix}: ${decision.decision}` : decision.decision;
  const attrs = { class: `pill ${decision.decision}`, text };
  const why = [decision.reason, decision.note].filter(Boolean).join(" · ");
  if (why || title) attrs.title = title || why;
  return el("span", attrs);
}

function shortAuthors(authors) {
  if (!authors.length) return "";
  const first = authors[0].split(",")[0];
  return authors.length > 2 ? `${first} et al.` : authors.map((a) => a.split(",")[0]).join(" & ");
}

// "Web of Science Core Collection" -> "WoSCC", "CINAHL Complete (EBSCOhost)" -> "CINAHL Complete"; the full
// names are in the cell's tooltip and the record's detail.
function shortDatabase(name) {
  const base = name.split(" (")[0].trim();
  if (base.length <= 16) return base;
  return base.split(/\s+/).map((word) => (word === "of" ? "o" : word[0])).join("");
}

function stageLabel() {
  return state.stage === "full_text" ? "full text" : "title/abstract";
}

// ---------------------------------------------------------------- switching views

function setView(view) {
  team.view = view;
  document.body.dataset.view = view;
  $("screen-view").hidden = view !== "screen";
  $("records-view").hidden = view !== "records";
  $("conflicts-view").hidden = view !== "conflicts";
  for (const tab of document.querySelectorAll(".view-tab")) tab.classList.toggle("active", tab.dataset.view === view);
  if (!state.reviewer) return;
  if (view === "screen") load();
  if (view === "records") loadList();
  if (view === "conflicts") loadConflicts();
  else refreshConflictCount();
}

async function refreshConflictCount() {
  if (!state.reviewer) return;
  try {
    const data = await api(`/api/team/conflicts?stage=${state.stage}`);
    const badge = $("conflict-count");
    badge.textContent = data.open;
    badge.hidden = data.open === 0;
  } catch (error) {
    /* the screen's own message says what is wrong with the logs */
  }
}

// ---------------------------------------------------------------- the record list

// keepDetail: after a change of decision the record stays open even if it no longer matches the filters.
async function loadList({ keepSelection = true, more = false, keepDetail = false } = {}) {
  if (!state.reviewer) return;
  try {
    const offset = more && team.list ? team.list.rows.length : 0;
    const data = await api(`/api/team/records?${teamQuery({ offset })}`);
    if (more && team.list) data.rows = team.list.rows.concat(data.rows);
    team.list = data;
    renderDatabases(data.databases);
    renderList();
    showMessage("");
    const ids = data.rows.map((row) => row.record_id);
    if (keepSelection && team.selected && ids.includes(team.selected)) await openRecord(team.selected, { scroll: false });
    else if (!more && !keepDetail) {
      team.selected = null;
      renderDetail(null);
    }
  } catch (error) {
    showMessage(error.message);
  }
}

function renderDatabases(databases) {
  const select = $("f-database");
  const current = select.value;
  select.replaceChildren(el("option", { value: "", text: "any database" }),
    ...databases.map((name) => el("option", { value: name, text: name })));
  select.value = databases.includes(current) ? current : "";
}

function renderList() {
  const data = team.list;
  const body = $("records-body");
  const blind = state.settings.mode === "blind_dual";
  body.replaceChildren(...data.rows.map((row) => {
    const others = el("div");
    const names = Object.keys(row.others);
    for (const name of names) others.append(pill(row.others[name], name));
    if (!names.length && blind && row.n_decided) others.append(el("span", { class: "hidden-note", text: "hidden until you decide" }));
    if (row.resolution) others.append(pill(row.resolution, "settled"));
    const status = el("span", { class: `pill status ${row.status}`, text: STATUS_LABEL[row.status] || row.status });
    if (row.conflict === "resolved") status.textContent = `conflict · settled ${row.status}`;
    const tr = el("tr", { "data-record-id": row.record_id },
      el("td", { class: "rank", text: row.rank ?? "" }),
      el("td", { class: "rec" },
        el("div", { class: "t", text: row.title || "(no title)" }),
        el("div", { class: "sub", text: [shortAuthors(row.authors), row.year, row.journal].filter(Boolean).join(" · ") })),
      el("td", { class: "dbs", title: row.databases.join("\n") }, ...row.databases.map((name) => el("span", { text: shortDatabase(name) }))),
      el("td", {}, status),
      el("td", {}, pill(row.mine) || el("span", { class: "undecided", text: "—" })),
      el("td", { class: "others" }, others));
    tr.classList.toggle("selected", row.record_id === team.selected);
    tr.addEventListener("click", () => openRecord(row.record_id, { scroll: false }));
    return tr;
  }));
  const shown = data.rows.length;
  $("list-summary").textContent = `${data.total} ${data.total === 1 ? "record" : "records"} at ${stageLabel()}` +
    (shown < data.total ? ` · showing ${shown}` : "") +
    (data.n_conflicts_open ? ` · ${data.n_conflicts_open} open conflicts` : "");
  $("more").hidden = shown >= data.total;
  $("records-empty").hidden = data.total > 0;
}

async function openRecord(recordId, { scroll = true } = {}) {
  team.selected = recordId;
  for (const tr of document.querySelectorAll("#records-body tr")) {
    tr.classList.toggle("selected", tr.dataset.recordId === recordId);
    if (scroll && tr.dataset.recordId === recordId) tr.scrollIntoView({ block: "nearest" });
  }
  try {
    const params = new URLSearchParams({ reviewer: state.reviewer, stage: state.stage, record_id: recordId });
    renderDetail(await api(`/api/team/record?${params}`));
  } catch (error) {
    showMessage(error.message);
  }
}

// Each decision as two short lines (who, what, when; then reason and note), which reads in a narrow pane.
function decisionList(rows) {
  return el("ul", { class: "decision-list" }, ...rows.map(([who, d]) => el("li", {},
    el("div", { class: "head" }, el("strong", { text: who }), pill(d),
      el("span", { class: "when", text: d.timestamp.replace("T", " ").slice(0, 16) })),
    d.reason || d.note ? el("div", { class: "why" },
      d.reason ? el("span", { class: "reason", text: d.reason }) : null,
      d.note ? el("span", { class: "note", text: `“${d.note}”` }) : null) : null)));
}

function reasonOptions(select, required) {
  const reasons = state.settings.reasons[state.stage] || [];
  select.replaceChildren(
    el("option", { value: "", text: required ? "— choose (needed to exclude) —" : "— no reason —" }),
    ...reasons.map((r, i) => el("option", { value: r, text: i < 9 ? `${i + 1}. ${r}` : r })));
  select.classList.remove("missing");
}

function recordHead(r) {
  const links = el("p", { class: "links" });
  if (r.doi) links.append(el("a", { href: `https://doi.org/${r.doi}`, target: "_blank", rel: "noopener", text: `doi:${r.doi}` }));
  if (r.databases && r.databases.length) links.append(el("span", { text: `found in ${r.databases.join(", ")}` }));
  links.append(el("span", { class: "rid", text: r.record_id }));
  return [el("h2", { class: "title" }, highlighted(r.title || "(no title)")), metaLine(r), links];
}

function renderDetail(r) {
  team.detail = r;
  const pane = $("detail");
  if (!r) {
    pane.replaceChildren(el("p", { class: "empty", text: "Choose a record to see its decisions and change yours (J/K or ↑/↓ move, Enter opens)." }));
    return;
  }
  const pills = el("div", { class: "status-line" },
    el("span", { class: `pill status ${r.status}`, text: `${stageLabel()}: ${r.status}` }));
  if (state.stage === "full_text" && r.title_abstract) pills.append(el("span", { class: "pill", text: `title/abstract: ${r.title_abstract}` }));
  const rows = [];
  if (r.my_decision) rows.push([`${state.reviewer} (you)`, r.my_decision]);
  for (const [name, d] of Object.entries(r.others || {})) if (d) rows.push([name, d]);
  if (r.resolution) rows.push([`settled by ${r.resolution.reviewer}`, r.resolution]);
  const decisions = rows.length ? decisionList(rows) : el("p", { class: "muted", text: "No decision yet." });
  const nodes = [pills, ...recordHead(r)];
  nodes.push(el("div", { class: "detail-abstract" }, r.abstract ? highlighted(r.abstract) : el("em", { text: "No abstract in the search results." })));
  if (r.keywords && r.keywords.length) nodes.push(el("ul", { class: "keywords" }, ...r.keywords.map((k) => el("li", {}, highlighted(k)))));
  if (state.stage === "full_text" && r.fulltext) nodes.push(pdfBar(r.record_id));
  nodes.push(el("h3", { text: "Decisions" }), decisions);
  if (state.settings.mode === "blind_dual" && !Object.keys(r.others || {}).length) {
    nodes.push(el("p", { class: "muted small", text: "Blind screening: another reviewer's decision shows here once you and they have both decided." }));
  }
  if (r.history && r.history.length > 1) {
    nodes.push(el("h3", { text: `Your log for this record (${r.history.length} lines, the last one counts)` }),
      el("ol", { class: "history" }, ...r.history.map((h) => el("li", {},
        pill(h), el("span", { text: ` ${h.reason ? `${h.reason} · ` : ""}${h.timestamp.replace("T", " ").slice(0, 16)}` }),
        h.note ? el("span", { class: "note", text: ` — ${h.note}` }) : null))));
  }
  const required = state.stage === "full_text";
  const form = el("form", { class: "change", autocomplete: "off", onsubmit: "return false" });
  const select = el("select", { id: "detail-reason" });
  reasonOptions(select, required);
  if (r.my_decision && r.my_decision.reason) select.value = r.my_decision.reason;
  const note = el("input", { id: "detail-note", type: "text", maxlength: "500", placeholder: "note (optional)" });
  const buttons = el("div", { class: "choices small" });
  for (const [decision, label, keys] of [["exclude", "Exclude", "E"], ["maybe", "Maybe", "M"], ["include", "Include", "I"]]) {
    const button = el("button", { type: "button", class: `choice ${decision}`, "data-decision": decision },
      el("span", { class: "label", text: label }), el("kbd", { text: keys }));
    button.classList.toggle("current", !!(r.my_decision && r.my_decision.decision === decision));
    button.addEventListener("click", () => changeDecision(decision));
    buttons.append(button);
  }
  form.append(el("h3", { text: r.my_decision ? "Change your decision" : "Your decision" }), buttons,
    el("div", { class: "extras" }, el("label", {}, el("span", { text: "Exclusion reason" }), select),
      el("label", {}, el("span", { text: "Note" }), note)),
    el("p", { class: "hints", text: "A change is a new line in your log; the earlier line stays as history." }));
  if (!r.reached) {
    form.replaceChildren(el("p", { class: "muted", text: `This record did not reach ${stageLabel()}.` }));
  }
  nodes.push(form);
  pane.replaceChildren(...nodes);
  pane.dataset.recordId = r.record_id;
}

async function changeDecision(decision) {
  if (team.busy || !team.detail) return;
  const r = team.detail;
  const select = $("detail-reason");
  const reason = decision === "exclude" ? select.value : "";
  if (decision === "exclude" && state.stage === "full_text" && !reason) {
    select.classList.add("missing");
    select.focus();
    toast("Choose an exclusion reason first (keys 1–9).");
    return;
  }
  const note = $("detail-note").value.trim();
  const mine = r.my_decision;
  if (mine && mine.decision === decision && mine.reason === reason && !note) {
    toast(`Already ${decision}: nothing written.`);
    return;
  }
  team.busy = true;
  try {
    const data = await api("/api/team/decide", {
      reviewer: state.reviewer, stage: state.stage, record_id: r.record_id, decision, reason, note,
    });
    const before = r.my_decision ? r.my_decision.decision : null;
    toast(before && before !== decision ? `Changed: ${before} → ${decision}` : `Saved: ${decision}${reason ? ` (${reason})` : ""}`);
    renderDetail(data);
    await loadList({ keepDetail: true });
  } catch (error) {
    showMessage(error.message);
  } finally {
    team.busy = false;
  }
}

function moveSelection(step) {
  const rows = team.list ? team.list.rows : [];
  if (!rows.length) return;
  const index = rows.findIndex((row) => row.record_id === team.selected);
  const next = index < 0 ? 0 : Math.min(Math.max(index + step, 0), rows.length - 1);
  openRecord(rows[next].record_id);
}

// ---------------------------------------------------------------- full text: the PDF and why it cannot be read

function pdfBar(recordId) {
  const bar = el("div", { class: "pdf-bar", "data-record-id": recordId }, el("span", { class: "muted", text: "Full text: looking for the PDF…" }));
  api(`/api/team/fulltext/${encodeURIComponent(recordId)}`).then((info) => {
    const parts = [];
    if (info.pdf_url) {
      parts.push(el("a", { class: "open-pdf", href: info.pdf_url, target: "_blank", rel: "noopener", text: `Open PDF ↗` }));
    }
    if (info.pdf) parts.push(el("span", { class: "pdf-name", text: info.pdf }));
    const status = el("span", { class: `pdf-status ${info.status === "ok" ? "ok" : "bad"}`, text: info.status || "unknown" });
    parts.push(status);
    if (info.status !== "ok") {
      const why = [info.reason, ...(info.errors || [])].filter(Boolean).join("; ");
      parts.push(el("span", { class: "pdf-reason", text: why || "the extraction gave no reason" }));
      if (info.pages_without_text && info.pages_without_text.length) {
        parts.push(el("span", { class: "pdf-reason", text: `pages without text: ${info.pages_without_text.join(", ")}` }));
      }
    }
    bar.replaceChildren(...parts);
    bar.classList.toggle("bad", info.status !== "ok");
  }).catch((error) => bar.replaceChildren(el("span", { class: "pdf-reason", text: error.message })));
  return bar;
}

// ---------------------------------------------------------------- conflicts

async function loadConflicts(keep = null) {
  if (!state.reviewer) return;
  try {
    renderConflicts(await api(`/api/team/conflicts?stage=${state.stage}`), keep);
  } catch (error) {
    showMessage(error.message);
  }
}

function renderConflicts(data, keep) {
  team.conflicts = data;
  const badge = $("conflict-count");
  badge.textContent = data.open;
  badge.hidden = data.open === 0;
  const items = data.conflicts;
  let index = keep ? items.findIndex((c) => c.record_id === keep) : -1;
  if (index < 0) index = items.findIndex((c) => !c.resolution);
  if (index < 0) index = 0;
  team.conflictIndex = index;
  $("conflict-summary").textContent = items.length
    ? `${data.open} open of ${items.length} at ${stageLabel()}`
    : `No conflicts at ${stageLabel()}.`;
  $("conflict-items").replaceChildren(...items.map((c, i) => {
    const li = el("li", { class: c.resolution ? "settled" : "open", "data-record-id": c.record_id },
      el("span", { class: "t", text: c.title || "(no title)" }),
      el("span", { class: "sub", text: c.resolution ? `settled: ${c.resolution.decision} by ${c.resolution.reviewer}`
        : c.decisions.map((d) => `${d.reviewer} ${d.decision}`).join(" · ") }));
    li.classList.toggle("selected", i === index);
    li.addEventListener("click", () => { team.conflictIndex = i; renderConflict(); markConflict(); });
    return li;
  }));
  renderConflict();
}

function markConflict() {
  const items = document.querySelectorAll("#conflict-items li");
  items.forEach((li, i) => li.classList.toggle("selected", i === team.conflictIndex));
}

function renderConflict() {
  const pane = $("conflict");
  const c = team.conflicts && team.conflicts.conflicts[team.conflictIndex];
  $("resolve").hidden = !c;
  if (!c) {
    pane.replaceChildren(el("div", { class: "done" }, el("h1", { text: "No conflicts to settle" }),
      el("p", { text: `Every ${stageLabel()} disagreement between reviewers is settled, or there is none yet.` })));
    pane.dataset.recordId = "";
    return;
  }
  pane.dataset.recordId = c.record_id;
  const sides = el("div", { class: "sides" }, ...c.decisions.map((d) => el("div", { class: `side-card ${d.decision}` },
    el("div", { class: "who" }, el("strong", { text: d.reviewer }), el("span", { class: "when", text: d.timestamp.replace("T", " ").slice(0, 16) })),
    el("div", { class: "verdict", text: d.decision }),
    el("div", { class: "reason", text: d.reason ? `Reason: ${d.reason}` : "No reason given" }),
    el("div", { class: "note", text: d.note ? `“${d.note}”` : "No note" }))));
  const nodes = [];
  if (c.resolution) {
    nodes.push(el("p", { class: "settled-line" },
      `Settled: ${c.resolution.decision}${c.resolution.reason ? ` (${c.resolution.reason})` : ""} by ${c.resolution.reviewer}, ${c.resolution.timestamp.replace("T", " ").slice(0, 16)}${c.resolution.note ? ` — ${c.resolution.note}` : ""}. Settling again adds a line that replaces it.`));
  }
  nodes.push(sides, ...recordHead(c));
  nodes.push(c.abstract ? el("p", { class: "abstract" }, highlighted(c.abstract)) : el("p", { class: "abstract empty", text: "No abstract in the search results." }));
  if (c.keywords.length) nodes.push(el("ul", { class: "keywords" }, ...c.keywords.map((k) => el("li", {}, highlighted(k)))));
  if (state.stage === "full_text") nodes.push(pdfBar(c.record_id));
  pane.replaceChildren(...nodes);
  const select = $("resolve-reason");
  reasonOptions(select, state.stage === "full_text");
  const excluder = c.decisions.find((d) => d.decision === "exclude" && d.reason);
  if (excluder) select.value = excluder.reason;
  $("resolve-note").value = "";
  $("resolver").textContent = state.reviewer;
}

async function settleConflict(decision) {
  const c = team.conflicts && team.conflicts.conflicts[team.conflictIndex];
  if (team.busy || !c) return;
  const select = $("resolve-reason");
  const reason = decision === "exclude" ? select.value : "";
  if (decision === "exclude" && state.stage === "full_text" && !reason) {
    select.classList.add("missing");
    toast("Choose an exclusion reason first (keys 1–9).");
    return;
  }
  team.busy = true;
  try {
    const data = await api("/api/team/resolve", {
      reviewer: state.reviewer, stage: state.stage, record_id: c.record_id, decision, reason, note: $("resolve-note").value,
    });
    toast(`Settled: ${decision}${reason ? ` (${reason})` : ""} — written to screening/resolutions.csv`);
    renderConflicts(data, null);
  } catch (error) {
    showMessage(error.message);
  } finally {
    team.busy = false;
  }
}

// ---------------------------------------------------------------- keys

function teamKey(event) {
  if (team.view === "screen" || $("picker").open) return;
  const target = event.target;
  const typing = target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement;
  if (typing) {
    if (event.key === "Escape" || (event.key === "Enter" && target.type !== "search")) { target.blur(); event.preventDefault(); }
    return;
  }
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const key = event.key;
  const decideKeys = { i: "include", ArrowRight: "include", e: "exclude", ArrowLeft: "exclude", m: "maybe" };
  const decision = decideKeys[key] || decideKeys[key.toLowerCase()];
  const reasonSelect = team.view === "records" ? $("detail-reason") : $("resolve-reason");
  if (target instanceof HTMLSelectElement && (decision || /^[0-9]$/.test(key))) target.blur();
  if (team.view === "records") {
    if (key === "/") { $("f-q").focus(); event.preventDefault(); return; }
    if (key === "j" || key === "ArrowDown") { moveSelection(1); event.preventDefault(); return; }
    if (key === "k" || key === "ArrowUp") { moveSelection(-1); event.preventDefault(); return; }
    if (key === "n" && $("detail-note")) { $("detail-note").focus(); event.preventDefault(); return; }
    if (decision && team.detail && team.detail.reached) { changeDecision(decision); event.preventDefault(); return; }
  } else {
    const count = team.conflicts ? team.conflicts.conflicts.length : 0;
    if ((key === "j" || key === "ArrowDown") && count) { team.conflictIndex = Math.min(team.conflictIndex + 1, count - 1); renderConflict(); markConflict(); event.preventDefault(); return; }
    if ((key === "k" || key === "ArrowUp") && count) { team.conflictIndex = Math.max(team.conflictIndex - 1, 0); renderConflict(); markConflict(); event.preventDefault(); return; }
    if (key === "n") { $("resolve-note").focus(); event.preventDefault(); return; }
    if (decision) { settleConflict(decision); event.preventDefault(); return; }
  }
  if (/^[0-9]$/.test(key) && reasonSelect) {
    const index = Number(key);
    if (index < reasonSelect.options.length) { reasonSelect.selectedIndex = index; reasonSelect.classList.remove("missing"); }
    event.preventDefault();
  }
}

// ---------------------------------------------------------------- updating the review (the workflow, run by the app)

const WORKFLOW_TITLE = {
  running: "Updating the review…",
  finished: "The review is updated",
  failed: "The update stopped with an error",
};

function renderWorkflow(run) {
  const panel = $("workflow-panel");
  const running = run.state === "running";
  $("update-review").disabled = running;
  if (run.state === "idle") return;
  panel.hidden = false;
  panel.dataset.state = run.state;
  $("workflow-state").textContent = WORKFLOW_TITLE[run.state] || run.state;
  const steps = run.steps;
  $("workflow-steps").textContent = steps ? `${steps.done} of ${steps.total} steps` : running ? "starting…" : "";
  const share = run.state === "finished" ? 1 : steps && steps.total ? steps.done / steps.total : 0;
  $("workflow-bar-fill").style.width = `${Math.round(share * 100)}%`;
  $("workflow-message").textContent = running
    ? "Matching PDFs, ranking and counting. You can go on screening: your decisions are kept."
    : run.message;
  $("workflow-errors").hidden = !run.errors.length;
  $("workflow-errors").textContent = run.errors.join("\n");
  $("workflow-command").textContent = run.command;
  $("workflow-lines").textContent = run.lines.join("\n");
  $("workflow-lines").scrollTop = $("workflow-lines").scrollHeight;
}

async function followWorkflow() {
  clearTimeout(team.workflowTimer);
  let run;
  try {
    run = await api("/api/team/workflow");
  } catch (error) {
    showMessage(error.message);
    return;
  }
  if (run.state === "running") team.workflowFollowed = true;
  if (team.workflowFollowed) renderWorkflow(run);  // a run that ended before this page opened stays out of view
  if (run.state === "running") {
    team.workflowTimer = setTimeout(followWorkflow, 1000);
  } else if (team.workflowFollowed) {
    team.workflowFollowed = false;
    toast(run.state === "finished" ? "The review is updated" : "The update stopped: see the error above");
    setView(team.view);  // read again what the run may have changed: the record, full texts, lists, conflicts
  }
}

async function updateReview() {
  $("update-review").disabled = true;
  team.workflowFollowed = true;
  try {
    renderWorkflow(await api("/api/team/workflow", {}));
  } catch (error) {
    toast(error.message);  // 409: a run is going already; follow it
  }
  followWorkflow();
}

function startTeam() {
  for (const tab of document.querySelectorAll(".view-tab")) tab.addEventListener("click", () => setView(tab.dataset.view));
  for (const tab of document.querySelectorAll(".stage-tab")) {
    tab.addEventListener("click", () => {
      team.selected = null;
      if (team.view === "records") loadList({ keepSelection: false });
      else if (team.view === "conflicts") loadConflicts();
      else refreshConflictCount();
    });
  }
  for (const id of ["f-status", "f-mine", "f-conflict", "f-database", "f-sort"]) $(id).addEventListener("change", () => loadList());
  for (const id of ["f-q", "f-label"]) {
    $(id).addEventListener("input", () => { clearTimeout(team.timer); team.timer = setTimeout(() => loadList(), 200); });
  }
  $("more").addEventListener("click", () => loadList({ more: true }));
  for (const button of document.querySelectorAll("#resolve .choice")) button.addEventListener("click", () => settleConflict(button.dataset.decision));
  // app.js tells when a reviewer is chosen (or remembered); the screen view loads its own record then.
  document.addEventListener("slrflow:reviewer", () => {
    if (team.view === "screen") refreshConflictCount();
    else setView(team.view);
  });
  document.addEventListener("slrflow:decided", refreshConflictCount);  // a decision may make or end a conflict
  document.addEventListener("keydown", teamKey);
  $("update-review").addEventListener("click", updateReview);
  $("workflow-hide").addEventListener("click", () => { $("workflow-panel").hidden = true; });
  followWorkflow();  // a run started before this page opened is followed to its end too
  window.addEventListener("focus", () => { if (state.reviewer && !team.busy && team.view !== "screen") setView(team.view); });
  setView("screen");
}

startTeam();
