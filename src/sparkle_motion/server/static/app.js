// The Sparkle Motion dashboard: plain JavaScript over the production API (docs/DASHBOARD.md).
// JSON is fetched with the bearer token; media and the event stream use the signed URLs the
// API hands out (an <img>, <audio>, <video> or EventSource sends no header). Every value from
// the server reaches the page as text (textContent, attributes), never as HTML.

const STAGES = [
  ["plan_intake", "Plan"],
  ["dialogue_audio", "Voices"],
  ["base_images", "Keyframes"],
  ["video", "Clips"],
  ["lipsync", "Lip-sync"],
  ["custom", "Custom"],
  ["assemble", "Assemble"],
  ["finalize", "Final"],
];
const LIVE = ["pending", "running", "paused"];
// a run is watched while it may change: going, waiting on a review (another client may
// answer it), or driven by a process whatever its row says yet (a resume just claimed it)
const watched = (s) => [...LIVE, "awaiting_review"].includes(s.status) || s.owner.alive;
const POLL_MS = 4000;

const $ = (id) => document.getElementById(id);
let token = null;
let run = null; // {id, status, assets, plan, events, log, timer, selected}

// ------------------------------------------------------------------ helpers

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === null || v === undefined || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children.flat()) {
    if (c !== null && c !== undefined) el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

function clock(seconds) {
  if (seconds === null || seconds === undefined) return "–";
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, "0")} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, "0")} min`;
}

function ago(epoch) {
  const s = Date.now() / 1000 - epoch;
  if (s < 60) return "just now";
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86400) return `${Math.floor(s / 3600)} h ago`;
  return new Date(epoch * 1000).toLocaleDateString();
}

class ApiError extends Error {
  constructor(status, body) {
    const err = (body && body.error) || {};
    super(err.message || `HTTP ${status}`);
    this.status = status;
    this.type = err.type;
    this.field = err.field;
  }
}

async function api(path, body) {
  const init = { headers: { Authorization: `Bearer ${token}` } };
  if (body !== undefined) {
    init.method = "POST";
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const data = await res.json().catch(() => null);
  if (res.status === 401) {
    signOut("The server did not accept the token.");
    throw new ApiError(401, data);
  }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

function said(err) {
  return err.field ? `${err.field}: ${err.message}` : err.message;
}

// ------------------------------------------------------------------ sign in

function signIn(given) {
  token = given;
  localStorage.setItem("sparkle.token", given);
  $("login").hidden = true;
  $("app").hidden = false;
  $("signout").hidden = false;
  route();
}

function signOut(why = "") {
  token = null;
  localStorage.removeItem("sparkle.token");
  closeRun();
  $("app").hidden = true;
  $("signout").hidden = true;
  $("login").hidden = false;
  $("login-error").textContent = why;
  $("token").focus();
}

async function tryToken(given) {
  const res = await fetch("/runs?limit=1", { headers: { Authorization: `Bearer ${given}` } });
  return res.ok;
}

// ------------------------------------------------------------------ runs list

async function loadRuns() {
  const rows = await api("/runs?limit=50");
  const list = $("runs");
  list.replaceChildren(
    ...rows.map((r) => {
      const ended = !LIVE.includes(r.status) && r.status !== "awaiting_review";
      const took = ended ? clock(r.updated_at - r.created_at) : "";
      return h(
        "li",
        { class: run && run.id === r.run_id ? "active" : "" },
        h(
          "a",
          { href: `#run=${encodeURIComponent(r.run_id)}`, "data-run": r.run_id },
          h("span", { class: `dot ${r.status}`, title: r.status }),
          h("span", { class: "name", text: r.plan_id }),
          h("span", { class: "meta", text: [r.status, ago(r.created_at), took,
        r.cost_usd ? `$${r.cost_usd.toFixed(4)}` : ""].filter(Boolean).join(" · ") }),
        ),
      );
    }),
  );
}

// ------------------------------------------------------------------ routing

function show(section) {
  for (const id of ["start", "run", "empty"]) $(id).hidden = id !== section;
}

function route() {
  const m = location.hash.match(/^#run=(.+)$/);
  if (m) openRun(decodeURIComponent(m[1]));
  else if (location.hash === "#new") { closeRun(); show("start"); $("idea").focus(); }
  else { closeRun(); show("empty"); }
  loadRuns().catch(() => {});
}

// ------------------------------------------------------------------ start a film

function startBody(form, mode) {
  const review = [...form.querySelectorAll("input[name=review]:checked")].map((i) => i.value);
  const body = { idea: form.idea.value, profile: form.profile.value, mode };
  if (review.length) body.review = review;
  if (form.budget.value) body.max_cost_usd = Number(form.budget.value);
  return body;
}

async function start(event) {
  event.preventDefault();
  const form = $("start-form");
  $("start-error").textContent = "";
  $("start-run").disabled = true;
  try {
    const answer = await api("/invoke", startBody(form, "run"));
    form.idea.value = "";
    location.hash = `#run=${encodeURIComponent(answer.run_id)}`;
  } catch (err) {
    $("start-error").textContent = said(err);
  } finally {
    $("start-run").disabled = false;
  }
}

async function estimate() {
  const form = $("start-form");
  if (!form.reportValidity()) return;
  $("start-error").textContent = "";
  const out = $("estimate-out");
  out.hidden = false;
  out.textContent = "Estimating…";
  try {
    const { report } = await api("/invoke", startBody(form, "dry"));
    const cached = report.steps.filter((s) => s.cached).length;
    out.replaceChildren(
      h("b", { text: `${report.steps.length} steps` }),
      ` · about ${clock(report.est_total_time_s)} of work · $${report.est_cost_usd.toFixed(4)}–$${report.est_cost_max_usd.toFixed(4)}`,
      report.max_cost_usd === null ? "" : report.within_budget ? " · within the budget" : " · over the budget",
      cached ? ` · ${cached} already made` : "",
      report.policy_warnings.length
        ? h("ul", {}, report.policy_warnings.map((w) => h("li", { text: `${w.path}: ${w.message}` })))
        : "",
    );
  } catch (err) {
    out.hidden = true;
    $("start-error").textContent = said(err);
  }
}

// ------------------------------------------------------------------ a run

function closeRun() {
  if (!run) return;
  if (run.events) run.events.close();
  clearTimeout(run.timer);
  run = null;
}

async function openRun(id) {
  if (run && run.id === id) return refresh();
  closeRun();
  run = { id, status: null, assets: null, plan: null, events: null, log: [], timer: null,
          selected: new Set(), tab: "plan_intake", lastEvent: 0, errors: [] };
  $("tabs").replaceChildren();
  $("panes").replaceChildren();
  $("film").hidden = true;
  const video = $("film-video");
  video.removeAttribute("src");
  delete video.dataset.checksum;
  $("notes").replaceChildren();
  show("run");
  await refresh();
}

let refreshing = null;
let again = false;

async function refresh() {
  if (refreshing) { again = true; return refreshing; }
  refreshing = (async () => {
    const current = run;
    try {
      const [status, arts] = await Promise.all([
        api(`/status?run_id=${encodeURIComponent(current.id)}`),
        api(`/artifacts?run_id=${encodeURIComponent(current.id)}`),
      ]);
      if (run !== current) return;
      const moved = !current.status || current.status.status !== status.status;
      current.status = status;
      if (moved) loadRuns().catch(() => {}); // the list shows the run's new state
      current.assets = arts;
      await loadPlan(current);
      if (run !== current) return; // another run was opened meanwhile
      note(current, "read", null);
      render(current);
      follow(current);
    } catch (err) {
      if (run !== current) return;
      note(current, "read", `Cannot read the run: ${said(err)}`);
      clearTimeout(current.timer); // try again, more slowly: the server may be restarting
      current.timer = setTimeout(() => refresh(), POLL_MS * 2);
    }
  })();
  await refreshing;
  refreshing = null;
  if (again) { again = false; return refresh(); }
}

function later() {
  clearTimeout(run && run.timer);
  if (run && run.status && watched(run.status)) {
    run.timer = setTimeout(() => refresh(), POLL_MS);
  }
}

function follow(current) {
  // the event stream: once when the run is opened (its history, for the log), then while
  // a process drives it; a poll as well, in case it drops
  const live = LIVE.includes(current.status.status) || current.status.owner.alive;
  if ((live || !current.heard) && !current.events) {
    current.heard = true;
    // from the last event seen (the signature covers the path, not the query)
    const es = new EventSource(`${current.status.events_url}&after=${current.lastEvent}`);
    es.addEventListener("end", () => { es.close(); current.events = null; refresh(); });
    es.onerror = () => { es.close(); if (current.events === es) current.events = null; };
    for (const kind of ["step_started", "step_completed", "step_cached", "step_failed",
      "step_retry", "stage_finished", "run_paused", "run_stopped", "review_requested"]) {
      es.addEventListener(kind, (e) => {
        logEvent(current, e);
        if (run === current && watched(current.status)) refresh();
        else if (run === current && current.tab === "log") renderTabs(current);
      });
    }
    current.events = es;
  }
  later();
}

function logEvent(current, e) {
  current.lastEvent = Math.max(current.lastEvent, Number(e.lastEventId) || 0);
  let data = {};
  try { data = JSON.parse(e.data); } catch { /* a line we cannot read: shown as its type */ }
  const p = data.payload || {};
  const text = [e.type.replace(/_/g, " "), p.step_id || p.stage || "", p.error || ""].filter(Boolean).join(" · ");
  current.log.push({ id: current.lastEvent, time: new Date().toLocaleTimeString(), text });
  if (current.log.length > 200) current.log.shift();
}

async function loadPlan(current) {
  if (current.plan) return;
  try {
    current.plan = (await api(`/plan?run_id=${encodeURIComponent(current.id)}`)).plan;
  } catch { /* shown without the plan's words */ }
}

// ------------------------------------------------------------------ rendering

function render(current) {
  const s = current.status;
  $("run-title").textContent = (current.plan && current.plan.title) || s.plan_id;
  $("run-id").textContent = s.run_id;
  $("run-profile").textContent = s.render_profile || "";
  const pill = $("run-status");
  const asked = s.control && ["pending", "running"].includes(s.status) ? ` (${s.control} asked)` : "";
  pill.textContent = s.status.replace("_", " ") + asked;
  pill.className = `pill ${s.status}`;
  $("pause").disabled = !s.actions.pause;
  $("resume").disabled = !s.actions.resume;
  $("stop").disabled = !s.actions.stop;
  $("elapsed").textContent = clock(s.elapsed_s);
  $("eta").textContent = s.status === "succeeded" ? "done" : clock(s.eta_s);
  $("current-stage").textContent = s.current_stage || "–";
  const cap = s.budget ? ` of $${s.budget.limit_usd.toFixed(2)}` : "";
  $("cost").textContent = `$${s.cost_usd.toFixed(4)}${cap}`;
  renderBanners(current);
  renderStages(s);
  renderFilm(s);
  renderTabs(current);
  document.querySelectorAll("#runs li").forEach((li) => {
    li.classList.toggle("active", li.querySelector("a").dataset.run === current.id);
  });
}

function renderStages(s) {
  const totals = s.stage_totals || {};
  let done = 0, all = 0;
  const rows = STAGES.filter(([k]) => k in totals).map(([key, label]) => {
    const counts = s.steps_by_stage[key] || {};
    const ok = (counts.succeeded || 0) + (counts.cached || 0);
    const failed = counts.failed || 0;
    const total = totals[key];
    const retried = s.steps.filter((r) => r.stage === key && r.attempts > 1);
    const tries = retried.length ? ` · ${retried.length} retried` : "";
    done += ok; all += total;
    const state = failed ? "failed" : ok >= total ? "done" : counts.running ? "running" : "waiting";
    const fill = h("div");
    fill.style.width = `${Math.round((100 * ok) / total)}%`; // CSSOM: the page's CSP allows no inline style
    return h("li", { class: state, "data-stage": key },
      h("span", { class: "label", text: label }),
      h("div", { class: "bar" }, fill),
      h("span", { class: "count", text: `${ok}/${total}${failed ? ` · ${failed} failed` : ""}${tries}`,
        title: retried.map((r) => `${r.step_id}: ${r.attempts} attempts`).join("\n") || null }));
  });
  $("stages").replaceChildren(...rows);
  $("overall").style.width = `${all ? Math.round((100 * done) / all) : 0}%`;
}

function banner(kind, title, ...body) {
  const el = h("div", { class: `banner ${kind}`, role: "alert" }, h("b", { text: title }), ...body);
  $("banners").append(el);
  return el;
}

function renderBanners(current) {
  const s = current.status;
  const box = $("banners");
  const open = s.reviews.find((r) => !r.answered);
  // the review card keeps its selection and note while the run waits
  if (open && box.dataset.review === String(open.request_id)) return;
  box.replaceChildren();
  box.dataset.review = open ? String(open.request_id) : "";
  if (s.failures.length) {
    banner("failed", "Steps failed", h("ul", {}, s.failures.map((f) => h("li", { text: f }))),
      s.actions.resume ? h("p", { text: "Resume runs them again; what finished is kept." }) : "");
  }
  if (s.status === "crashed") banner("failed", "The process running this film is gone", " Resume continues where it stopped.");
  if (s.status === "stopped") banner("info", "Stopped", " Finished steps are kept; Resume continues.");
  if (s.status === "rejected") banner("info", "The script was rejected", " Nothing was rendered.");
  if (s.budget && s.budget.stopped) budgetCard(current, s.budget);
  if (open) reviewCard(current, open);
}

function budgetCard(current, budget) {
  const limit = h("input", { type: "number", min: "0", step: "0.01", id: "budget-limit",
    value: Math.max(budget.limit_usd * 2, 1).toFixed(2), "aria-label": "New budget in USD" });
  const go = h("button", { class: "primary", id: "budget-resume", text: "Resume with this budget" });
  const error = h("p", { class: "error", role: "alert" });
  go.addEventListener("click", async () => {
    go.disabled = true;
    try {
      await api("/resume", { run_id: current.id, max_cost_usd: Number(limit.value) });
      await refresh();
    } catch (err) {
      error.textContent = said(err);
      go.disabled = false;
    }
  });
  banner("failed", "The budget stopped this run",
    h("p", { text: `$${budget.spent_usd.toFixed(4)} spent of $${budget.limit_usd.toFixed(4)}. What is done is kept; a higher budget renders only what is left.` }),
    h("div", { class: "actions" }, h("span", { text: "$" }), limit, go), error);
}

function reviewCard(current, review) {
  current.selected = new Set();
  const ids = review.keyframe_ids || [];
  const images = current.assets.assets.base_images || {};
  const note = h("textarea", { rows: 2, maxlength: 2000, placeholder: "A note for the retake (optional)", id: "review-note" });
  const count = h("span", { class: "muted", id: "review-count" });
  const grid = h("div", { class: "sheet review" }, ids.map((id, i) => {
    const ref = images[id];
    const fresh = (review.retaken || []).includes(review.keyframes[i]);
    const tile = h("button", { type: "button", class: fresh ? "tile new" : "tile", "data-keyframe": review.keyframes[i], title: `${id}: click to retake` },
      ref ? h("img", { src: ref.download_url, alt: id }) : h("div", { class: "noimg", text: id }),
      h("span", { class: "caption", text: fresh ? `${id} · new` : id }));
    tile.addEventListener("click", () => {
      const k = review.keyframes[i];
      if (current.selected.has(k)) current.selected.delete(k); else current.selected.add(k);
      tile.classList.toggle("selected", current.selected.has(k));
      count.textContent = current.selected.size ? `${current.selected.size} to retake` : "";
      reject.textContent = current.selected.size ? `Retake ${current.selected.size}` : "Reject";
    });
    return tile;
  }));
  const approve = h("button", { class: "primary", id: "approve", text: "Approve" });
  const reject = h("button", { class: "danger", id: "reject", text: "Reject" });
  const error = h("p", { class: "error", role: "alert" });
  const answer = async (decision) => {
    approve.disabled = reject.disabled = true;
    const body = { run_id: current.id, decision, gate: review.gate };
    if (decision === "reject" && current.selected.size) body.keyframes = [...current.selected].sort((a, b) => a - b);
    if (note.value.trim()) body.note = note.value.trim();
    try {
      await api("/review", body);
      await resumeWhenFree(current.id);
      $("banners").dataset.review = "";
      await refresh();
    } catch (err) {
      error.textContent = said(err);
      approve.disabled = reject.disabled = false;
    }
  };
  approve.addEventListener("click", () => answer("approve"));
  reject.addEventListener("click", () => answer("reject"));
  const kept = (review.kept || []).length;
  const what = review.gate === "keyframes"
    ? `Click the keyframes to render again, then Retake; or Approve them all.${kept ? ` ${kept} approved earlier are kept.` : ""}`
    : "Read the plan (the Plan tab), then Approve to render it or Reject to end the run.";
  banner("review", `Your review: ${review.gate}`, h("p", { text: what }),
    ids.length ? grid : "", note, h("div", { class: "actions" }, approve, reject, count), error);
}

async function resumeWhenFree(id) {
  // the process that stopped at the gate may still be letting go of the run (409): the
  // answer is recorded, so asking again a moment later is safe
  for (let tries = 0; ; tries++) {
    try {
      return await api("/resume", { run_id: id });
    } catch (err) {
      if (err.status !== 409 || tries >= 20) throw err;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

function renderFilm(s) {
  const card = $("film");
  if (!s.film) { card.hidden = true; return; }
  card.hidden = false;
  const video = $("film-video");
  if (video.dataset.checksum !== s.film.checksum_sha256) {
    video.dataset.checksum = s.film.checksum_sha256;
    video.src = s.film.download_url;
  }
  $("film-download").href = s.film.download_url; // freshly signed (a link lasts an hour)
  const mb = (s.film.size_bytes / 1e6).toFixed(1);
  $("film-facts").textContent = `${s.film.duration_s.toFixed(1)} s · ${s.film.resolution_px} · ${s.film.frame_rate} fps · ${mb} MB`;
}

// ------------------------------------------------------------------ assets by stage

function media(kind, ref, caption) {
  // made only when the pane lacks it: a <video preload=metadata> starts a request at once
  return [ref.uri, () => {
    const el = kind === "img"
      ? h("img", { src: ref.download_url, alt: caption, loading: "lazy" })
      : h(kind, { src: ref.download_url, preload: "metadata", controls: true });
    return h("figure", {}, el, h("figcaption", { text: caption }));
  }];
}

function speaker(plan, id) {
  const who = (plan.characters || []).find((c) => c.id === id);
  return who ? who.name : id;
}

function lineText(plan, id) {
  // a line's id as the plan gives it, else `<shot id>-l<n>` (MoviePlan's Shot.line_id)
  if (!plan) return null;
  for (const shot of plan.shots || []) {
    for (const [i, line] of (shot.dialogue || []).entries()) {
      if ((line.id || `${shot.id}-l${i + 1}`) === id) return { ...line, who: speaker(plan, line.character) };
    }
  }
  return null;
}

// each pane's items as [key, make]: the key says whether what is shown is still right
function paneItems(current, key) {
  const a = current.assets.assets;
  const plan = current.plan;
  switch (key) {
    case "plan_intake":
      if (!plan) return [];
      return [["plan", () => h("div", { class: "plan" },
        h("h3", { text: plan.title || "" }),
        plan.logline ? h("p", { text: plan.logline }) : "",
        h("ol", {}, (plan.shots || []).map((shot) => h("li", {},
          h("b", { text: `${shot.id} · ${shot.duration_s} s ` }), shot.description || "",
          h("ul", {}, (shot.dialogue || []).map((l) => h("li", { text: `${speaker(plan, l.character)}: “${l.text}”` })))))))]];
    case "dialogue_audio":
      return Object.entries(a.line_artifacts || {}).map(([id, ref]) => [ref.uri, () => {
        const line = lineText(plan, id);
        const words = line ? `${line.who}: “${line.text}”` : id;
        return h("div", { class: "line" }, h("span", { text: words }),
          h("audio", { src: ref.download_url, controls: true, preload: "none" }));
      }]);
    case "base_images":
      return Object.entries(a.base_images || {}).map(([id, ref]) => media("img", ref, id));
    case "video":
      return Object.entries(a.shot_videos || {}).map(([id, ref]) => media("video", ref, id));
    case "lipsync":
      return Object.entries(a.lipsync_videos || {}).map(([id, ref]) => media("video", ref, id));
    case "custom":
      return Object.entries(a.custom || {}).flatMap(([id, refs]) => refs.map((ref) => [ref.uri,
        () => h("p", {}, h("a", { href: ref.download_url, text: `${id}: ${ref.name || ref.uri}` }))]));
    case "assemble": {
      const out = [];
      if (a.assembled) out.push(media("video", a.assembled, "assembled film"));
      if (a.subtitles) out.push([a.subtitles.uri, () => h("p", {}, h("a", { href: a.subtitles.download_url, download: "film.srt", text: "Subtitles (.srt)" }))]);
      return out;
    }
    case "finalize": {
      const film = current.assets.video_final;
      if (!film) return [];
      const rows = [["duration", `${film.duration_s.toFixed(2)} s`], ["size", film.resolution_px],
        ["checksum", film.checksum_sha256.slice(0, 16) + "…"], ["profile", film.render_profile || ""],
        ...(film.cost ? [["cost", `$${film.cost.total_usd.toFixed(4)}`]] : []),
        ...Object.entries(film.backends || {}).map(([k, v]) => [k, v])];
      return [[film.artifact_uri, () => h("table", { class: "facts" },
        rows.map(([k, v]) => h("tr", {}, h("th", { text: k }), h("td", { text: v }))))]];
    }
    case "log":
      return [[`log-${current.lastEvent}`, () => h("ol", { class: "log" },
        current.log.slice(-60).reverse().map((l) => h("li", {}, h("time", { text: l.time }), " ", l.text)))]];
    default:
      return [];
  }
}

function renderTabs(current) {
  const totals = current.status.stage_totals || {};
  const tabs = [...STAGES, ["log", "Log"]];
  const bar = $("tabs");
  const panes = $("panes");
  if (!bar.children.length) {
    for (const [key, label] of tabs) {
      bar.append(h("button", { role: "tab", "data-tab": key, onclick: () => { if (run) { run.tab = key; renderTabs(run); } } },
        h("span", { text: label }), " ", h("span", { class: "n" })));
      panes.append(h("div", { class: key === "base_images" ? "pane sheet" : key === "video" || key === "lipsync" ? "pane clips" : "pane", "data-pane": key, role: "tabpanel" }));
    }
  }
  for (const [key] of tabs) {
    const tab = bar.querySelector(`[data-tab="${key}"]`);
    const pane = panes.querySelector(`[data-pane="${key}"]`);
    const items = paneItems(current, key);
    tab.hidden = key === "custom" && !totals.custom; // a plan without custom steps has no tab
    tab.querySelector(".n").textContent = key === "plan_intake" || key === "log" ? "" : items.length || "";
    tab.setAttribute("aria-selected", String(current.tab === key));
    pane.hidden = current.tab !== key;
    sync(pane, items);
  }
}

function sync(pane, items) {
  // keep what is shown (a playing clip, a loaded image); make what is new, drop what is gone
  const want = new Map(items);
  for (const child of [...pane.children]) {
    if (!want.has(child.dataset.uri)) child.remove();
  }
  const have = new Map([...pane.children].map((c) => [c.dataset.uri, c]));
  for (const [uri, make] of want) {
    if (have.has(uri)) continue;
    const el = make();
    el.dataset.uri = uri;
    pane.append(el);
    have.set(uri, el);
  }
  const order = [...want.keys()];
  if ([...pane.children].some((c, i) => c.dataset.uri !== order[i])) {
    for (const uri of order) pane.append(have.get(uri)); // a retake keeps its keyframe's place
  }
  if (!items.length && !pane.children.length) pane.append(h("p", { class: "muted", "data-uri": "", text: "Nothing yet." }));
}

// ------------------------------------------------------------------ controls

async function control(what) {
  if (!run) return;
  const current = run;
  try {
    await api(`/${what}`, { run_id: current.id });
    note(current, "control", null);
  } catch (err) {
    note(current, "control", `Cannot ${what}: ${said(err)}`);
  }
  await refresh();
}

function note(current, kind, text) {
  // a refused click or a failed read, shown until the next of its kind succeeds (the
  // banners are rebuilt from /status, which does not know about it)
  current.errors = current.errors.filter((e) => e.kind !== kind);
  if (text) current.errors.push({ kind, text });
  $("notes").replaceChildren(...current.errors.map((e) => h("div", { class: "banner failed", role: "alert", text: e.text })));
}

// ------------------------------------------------------------------ start up

function boot() {
  const given = location.hash.match(/token=([^&]+)/);
  if (given) {
    localStorage.setItem("sparkle.token", decodeURIComponent(given[1]));
    history.replaceState(null, "", location.pathname);
  }
  $("login-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const value = $("token").value.trim();
    if (await tryToken(value)) signIn(value);
    else $("login-error").textContent = "The server did not accept that token.";
  });
  $("signout").addEventListener("click", () => signOut());
  $("new-film").addEventListener("click", () => { location.hash = "#new"; });
  $("start-form").addEventListener("submit", start);
  $("estimate").addEventListener("click", estimate);
  for (const what of ["pause", "resume", "stop"]) $(what).addEventListener("click", () => control(what));
  window.addEventListener("hashchange", route);
  fetch("/health").then((r) => r.json()).then((d) => { $("server").textContent = `v${d.version}`; }).catch(() => {});
  const saved = localStorage.getItem("sparkle.token");
  if (!saved) { signOut(); return; }
  tryToken(saved)
    .then((ok) => (ok ? signIn(saved) : signOut("The saved token is no longer accepted.")))
    .catch(() => signOut("The server does not answer; is sparkle-motion serve running?"));
}

boot();
