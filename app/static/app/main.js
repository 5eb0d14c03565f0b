// The room's web client: sign in, pick a report, then the report, the floor and the
// amendments, kept current by the report's event stream. Everything goes through the public
// API (api.js) and stream (stream.js); the API decides what each reader may see (names or
// "a participant"), and this client shows exactly that.

import { Api, ApiError } from "./api.js";
import { announce, clearProblem, h, placeNote, setOrigin, showProblem } from "./dom.js";
import { ReportStream } from "./stream.js";
import { loadNotes, renderReport } from "./report.js";
import { renderAmendments } from "./amendments.js";
import { conflictList, renderFloor } from "./floor.js";
import { renderReportPicker } from "./secretariat.js";
import { consultationsChangedBy, consultationsDue, loadConsultations, renderConsultations } from "./consultations.js";
import { keyForRedeem, onKeyEvent, setUpSigning } from "./keys.js";
import { forgetKey } from "./signing.js";
import { setUpPages } from "./pages.js";
import { setUpShortcuts } from "./shortcuts.js";

const STORE = window.sessionStorage;  // gone when the tab closes; never in the address bar
const ctx = {
  api: null,
  me: null,
  role: null,
  groupId: null,
  names: new Map(),
  reports: [],
  report: null,
  reportEtag: null,
  floor: null,
  amendments: [],
  consultations: [],
  filters: { status: "", kind: "", section: "" },
  answers: ["consent", "object"],
  answerPaths: {},
  eventTypes: [],
  stream: null,
  editing: null,
  draft: null,
  signer: null,  // this browser's signing key for the member (keys.js), or null
  keyWarning: null,
  keyChanges: [],
};
window.plenary = ctx;  // for people reading the client in the browser's console, and tests

const $ = (id) => document.getElementById(id);

ctx.run = async (what, action) => {
  // Every user action: clear the last problem, run, and turn a failure into sentences,
  // said in the live regions and beside the control the person used.
  clearProblem();
  setOrigin(document.activeElement);
  try {
    return await action();
  } catch (error) {
    report(error, what);
    return undefined;
  } finally {
    placeNote();
  }
};

function report(error, what) {
  if (error instanceof ApiError) {
    // A merge conflict names both sides: what this change does and what was done since.
    const conflicts = error.problem && error.problem.conflicts;
    const extra = conflicts && conflicts.length ? conflictList(conflicts) : undefined;
    showProblem(`${what} did not succeed. ${error.message}`, extra);
  } else {
    showProblem(`${what} did not succeed. ${error.message || error}`);
    // A plain Error carries a sentence for the reader; anything else (TypeError...) is a bug.
    if (!(error instanceof Error) || error.constructor !== Error) console.error(error);
  }
}
// A failure found before anything is sent (an empty reason): said beside the control too.
ctx.fail = (error, what) => {
  setOrigin(document.activeElement);
  clearProblem();
  report(error, what);
};  // ctx.report is the report being read

ctx.nameOf = (participantId) => {
  // Chatham House: a reader who may not see names gets null ids from the API.
  if (participantId === null || participantId === undefined) return "a participant";
  return ctx.names.get(participantId) || `participant ${participantId}`;
};

// A decision of the group (adopting the report, adopting on the floor) is taken in a
// plenary or closed session in progress: without one, no control offers it.
ctx.deciding = () => {
  const sitting = ctx.floor && ctx.floor.session && ctx.floor.session.session;
  return Boolean(sitting && sitting.started_at && !sitting.ended_at && ["plenary", "closed"].includes(sitting.kind));
};

ctx.can = {
  chair: () => ctx.role === "chair",
  secretariat: () => ctx.role === "secretariat",
  vote: () => ctx.role === "chair" || ctx.role === "member",
  propose: () => ["chair", "member", "secretariat"].includes(ctx.role),
};

// --- signing in ---------------------------------------------------------------------------

function defaultApiBase() {
  const asked = new URLSearchParams(location.search).get("api");
  if (asked) return asked;
  const kept = STORE.getItem("plenary.api");
  if (kept) return kept;
  const meta = document.querySelector('meta[name="plenary-api"]');
  if (meta && meta.content) return meta.content;
  return location.origin;  // served by plenary itself at /app
}

async function signIn(event) {
  event.preventDefault();
  clearProblem();
  const base = $("api-base").value.trim();
  const token = $("token").value.trim();
  const code = $("invitation").value.trim();
  if (!base || (!token && !code)) {
    showProblem("Enter the server's address and either your access token or your invitation code.");
    return;
  }
  try {
    let secret = token;
    let made = null;
    if (!secret) {
      // The signing key is made (and kept) here first; its public half goes with the code.
      made = await keyForRedeem(new Api(base, null).base);
      const body = { code, label: "web client" };
      if (made.publicKey) body.public_key = made.publicKey;
      try {
        ({ data: { token: secret } } = await new Api(base, null).post("/v1/invitations/redeem", body));
      } catch (error) {
        if (made.publicKey) await forgetKey(new Api(base, null).base, made.publicKey).catch(() => {});
        throw error;
      }
    }
    await start(base, secret, made);
    $("token").value = "";
    $("invitation").value = "";
  } catch (error) {
    report(error, "Signing in");
  }
}

async function start(base, token, made) {
  const api = new Api(base, token);
  const { data: me } = await api.get("/v1/me");
  if (!me.participant) throw new ApiError("This token is not a participant's: sign in as a member of a group.", { status: 0 });
  STORE.setItem("plenary.api", base);
  STORE.setItem("plenary.token", token);
  ctx.api = api;
  ctx.me = me.participant;
  ctx.role = me.participant.role;
  ctx.groupId = me.participant.group_id;
  await readContract();
  await loadNames();
  await setUpSigning(ctx, me, made);
  $("signin").hidden = true;
  $("workspace").hidden = false;
  $("who").textContent = `Signed in as ${me.participant.name} (${roleName(ctx.role)})`;
  $("signout").hidden = false;
  document.body.dataset.role = ctx.role;
  await loadReports();
  await setUpPages(ctx);
  setUpShortcuts(ctx);
  // An address may name the report to open ("/app/?report=12": the demo's final night).
  const named = Number(new URLSearchParams(location.search).get("report"));
  const asked = ctx.reports.some((r) => r.id === named) ? named : null;
  const chosen = Number(STORE.getItem("plenary.report")) || asked || (ctx.reports[0] && ctx.reports[0].id);
  if (chosen) await openReport(chosen);
  else {
    renderReportPicker(ctx);
    document.body.dataset.ready = "yes";
  }
  $("workspace-title").focus();
}

function roleName(role) {
  return { chair: "the Chair", secretariat: "the Secretariat", member: "member", observer: "observer" }[role] || role;
}

// What this server offers: the consent answers (a server with "can live with it" lists
// `stand_aside`) and the event types to follow, read from its OpenAPI document.
async function readContract() {
  try {
    const { data } = await ctx.api.call("GET", "/openapi.json");
    const schemas = data.components.schemas;
    if (schemas.Answer && Array.isArray(schemas.Answer.enum)) ctx.answers = schemas.Answer.enum;
    const mapping = schemas.TypedEvent && schemas.TypedEvent.discriminator && schemas.TypedEvent.discriminator.mapping;
    if (mapping) ctx.eventTypes = Object.keys(mapping);
    for (const path of Object.keys(data.paths)) {
      const match = path.match(/^\/v1\/amendments\/\{amendment_id\}\/([a-z_-]+)$/);
      if (match) ctx.answerPaths[match[1].replace(/-/g, "_")] = path;
    }
  } catch {
    // An older server without the document: the answers every server has.
  }
  if (!ctx.eventTypes.length) {
    ctx.eventTypes = [
      "amendment.proposed", "amendment.revised", "amendment.adopted", "amendment.rejected",
      "amendment.withdrawn", "amendment.blocked", "amendment.lapsed", "amendment.conflicted",
      "amendment.escalated", "amendment.superseded", "consent.opened", "consent.consent",
      "consent.object", "floor.changed", "meeting.opened", "meeting.closed", "version.created",
      "report.adopted", "report.transmitted", "report.updated", "section.added",
      "section.updated", "section.moved", "section.removed", "milestone.created",
    ];
  }
}

async function loadNames() {
  ctx.names = new Map();
  try {
    const people = await ctx.api.all(`/v1/groups/${ctx.groupId}/participants`);
    for (const person of people) ctx.names.set(person.id, person.name);
  } catch {
    // A reader who may not list the group sees "a participant" everywhere.
  }
}
ctx.loadNames = loadNames;

async function loadReports() {
  ctx.reports = await ctx.api.all(`/v1/groups/${ctx.groupId}/reports`);
}
ctx.loadReports = loadReports;

function signOut() {
  if (ctx.stream) ctx.stream.stop();
  STORE.removeItem("plenary.token");
  STORE.removeItem("plenary.report");
  location.reload();
}

// --- one report, kept current -----------------------------------------------------------

async function openReport(reportId) {
  if (ctx.stream) ctx.stream.stop();
  ctx.stream = null;
  ctx.editing = null;
  ctx.draft = null;
  STORE.setItem("plenary.report", String(reportId));
  ctx.reportId = reportId;
  consultationsStale = notesStale = true;
  readEverything();
  ctx.notes = null;
  await refresh();
  renderReportPicker(ctx);
  ctx.stream = new ReportStream(ctx.api, reportId, {
    types: ctx.eventTypes,
    lastEventId: ctx.floor ? ctx.floor.last_event_id : null,
    onEvent: onEvent,
    onState: (state) => {
      $("live").textContent = { live: "Live", connecting: "Connecting…", reconnecting: "Reconnecting…" }[state];
      document.body.dataset.stream = state;
      if (state === "live") {  // whatever happened while away
        consultationsStale = notesStale = true;
        readEverything();
        scheduleRefresh();
      }
    },
  });
  ctx.stream.start();
}
ctx.openReport = (id) => ctx.run("Opening the report", () => openReport(id));

let refreshing = null;
let again = false;

// What the page holds between events (issue 35). After an event it reads what changed: the
// report only after an event that can change it, the amendment list likewise, and of the
// floor the texts of sections whose head moved since the answer it holds (`texts_after`);
// every read names the answer held (If-None-Match), so one still unchanged costs no bytes.
// A page opened fresh, back from a lost connection or asked to refresh reads everything.
let reportStale = true;
let listStale = true;
let heldTexts = null;  // { through: texts_through, texts: Map(section id -> text) } or null

// Events after which the report (its fields, outline and stages) is still the one held, and
// the amendment list likewise. Anything else, and any kind this page does not know, reads.
const ROOM_ONLY = ["caption.", "speaker.", "attendance.", "projection.", "agenda.", "session.",
  "comment.", "consultation.", "key.", "reply.", "questionnaire.", "reservation.", "thread."];
const REPORT_QUIET = [...ROOM_ONLY, "floor.", "consent.", "meeting."];
const REPORT_QUIET_AMENDMENT = (type) => type.startsWith("amendment.") && type !== "amendment.adopted";
const LIST_QUIET = ROOM_ONLY;

// The report's ETag names its last event too, and the page reads the report only after an
// event that can change it: a write naming the report (adopt, transmit) takes the tag of the
// report as it is now when that is the report on screen, else the tag it was read with (the
// server then refuses the write as changed since it was read, as it always did).
ctx.reportTag = async () => {
  const { data, etag } = await ctx.api.getKept(`/v1/reports/${ctx.reportId}`);
  return JSON.stringify(data) === JSON.stringify(ctx.report) ? etag : ctx.reportEtag;
};

function readEverything() {
  reportStale = listStale = true;
  heldTexts = null;
}

function noteEvent(type) {
  if (!REPORT_QUIET.some((prefix) => type.startsWith(prefix)) && !REPORT_QUIET_AMENDMENT(type)) reportStale = true;
  if (!LIST_QUIET.some((prefix) => type.startsWith(prefix))) listStale = true;
}

async function refresh() {
  // Taken before reading: an event that comes during the reads asks for them again.
  const readReport = reportStale || !ctx.report;
  const readList = listStale;
  reportStale = listStale = false;
  const consultations = consultationsStale || consultationsDue(ctx);
  const notes = notesStale || hasNotes(ctx);  // a change of text moves their paragraphs
  consultationsStale = notesStale = false;
  try {
    // All at once: none of these reads needs another's answer.
    const [reportAnswer, floorState] = await Promise.all([
      readReport ? ctx.api.getKept(`/v1/reports/${ctx.reportId}`) : null,
      readFloor(),
      readList ? loadAmendments() : null,
      consultations ? loadConsultations(ctx) : null,
      notes ? loadNotes(ctx) : null,
    ]);
    if (reportAnswer) {
      ctx.report = reportAnswer.data;
      ctx.reportEtag = reportAnswer.etag;
    }
    ctx.floor = floorState;
    // The ETag a typist's revision names is the one of the wording on screen: the floor
    // answer carries it, read in the same snapshot.
    ctx.floorEtag = ctx.floor.floor ? ctx.floor.floor.etag : null;
  } catch (error) {
    if (readReport) reportStale = true;
    if (readList) listStale = true;
    throw error;
  }
  renderAll();
}

// The floor with every section's text: the texts changed since the ones held, merged in; a
// section shown now whose text this page never held (a part just made visible) reads whole.
async function readFloor() {
  const path = `/v1/reports/${ctx.reportId}/floor`;
  if (heldTexts) {
    const merged = mergeTexts((await ctx.api.getKept(`${path}?texts_after=${heldTexts.through}`)).data);
    if (merged) return merged;
  }
  heldTexts = null;
  return mergeTexts((await ctx.api.getKept(path)).data);
}

function mergeTexts(state) {
  const held = heldTexts ? heldTexts.texts : new Map();
  const sections = [];
  for (const section of state.sections) {
    const text = section.text === null ? held.get(section.id) : section.text;
    if (text === undefined) return null;
    sections.push({ ...section, text });
  }
  const through = state.texts_through;
  heldTexts = through === null || through === undefined
    ? null : { through, texts: new Map(sections.map((s) => [s.id, s.text])) };
  return { ...state, sections };
}

// The consultations change with their own events and comments' (and by the clock, which
// `consultationsDue` watches), reservations and open points with theirs: other events do not
// read them again (unless there are notes, whose paragraphs follow the text).
let consultationsStale = true;
let notesStale = true;
const NOTE_EVENTS = ["reservation.", "open_point."];

function hasNotes(ctx) {
  return Boolean(ctx.notes && (ctx.notes.reservations.length || ctx.notes.brackets.length));
}

// Reads of the list may overlap (a filter changed twice, a live refresh): only the latest
// one asked for is kept, so an older answer never paints over a newer filter.
let listReads = 0;

async function loadAmendments() {
  const serial = ++listReads;
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(ctx.filters)) if (value) query.set(key === "section" ? "section_id" : key, value);
  const suffix = query.toString() ? `?${query}` : "";
  const amendments = await ctx.api.allKept(`/v1/reports/${ctx.reportId}/amendments${suffix}`);
  // The text's margin marks every open amendment, whatever the list's filter shows.
  const pending = suffix ? await ctx.api.allKept(`/v1/reports/${ctx.reportId}/amendments`) : amendments;
  if (serial !== listReads) return false;
  ctx.amendments = amendments;
  ctx.pending = pending;
  return true;
}

function renderAll() {
  renderReport(ctx);
  renderFloor(ctx);
  renderAmendments(ctx);
  renderConsultations(ctx);
  placeNote();  // a live update re-rendered the card: the note goes back beside the control
  document.body.dataset.ready = "yes";
  document.body.dataset.lastEvent = String(ctx.floor.last_event_id ?? "");
}

// Many events arrive together (a proposal, a floor change...): one refresh covers them all.
function scheduleRefresh() {
  if (refreshing) {
    again = true;
    return refreshing;
  }
  document.body.dataset.settled = "no";  // "yes" once every refresh asked for has run
  refreshing = (async () => {
    try {
      do {
        again = false;
        await refresh();
      } while (again);
    } catch (error) {
      report(error, "Updating the page");
    } finally {
      refreshing = null;
      document.body.dataset.settled = "yes";
    }
  })();
  return refreshing;
}
ctx.refresh = () => {  // after the page's own action: read it all, whatever events say
  reportStale = listStale = true;
  return scheduleRefresh();
};
ctx.reloadAmendments = () => ctx.run("Filtering the amendments", async () => {
  if (await loadAmendments()) renderAmendments(ctx);
});

function onEvent(event) {
  ctx.lastEvent = event;
  if (ctx.pageEvent) ctx.pageEvent(event);
  if (event.type === "amendment.revised") announce("The wording on the floor was revised.");
  else if (event.type === "amendment.adopted") announce("An amendment was adopted.");
  else if (event.type === "floor.changed") announce("The floor changed.");
  else if (event.type === "key.registered") onKeyEvent(ctx, event).catch((error) => report(error, "Reading the signing keys"));
  if (consultationsChangedBy(event)) consultationsStale = true;
  if (NOTE_EVENTS.some((prefix) => event.type.startsWith(prefix))) notesStale = true;
  noteEvent(event.type);
  refreshSoon();
}

// The events one commit recorded come in one piece of the stream, dispatched one after
// another in the same task: the refresh starts once they are all in (a timer of 0), so a
// commit asks for one refresh, not one more for each of its events after the first.
let soon = null;
function refreshSoon() {
  if (refreshing) {
    again = true;
    return;
  }
  if (soon) return;
  document.body.dataset.settled = "no";
  soon = setTimeout(() => {
    soon = null;
    scheduleRefresh();
  }, 0);
}

// --- start -----------------------------------------------------------------------------------

$("api-base").value = defaultApiBase();
$("signin-form").addEventListener("submit", signIn);
$("signout").addEventListener("click", signOut);
const kept = STORE.getItem("plenary.token");
if (kept) {
  start(STORE.getItem("plenary.api") || defaultApiBase(), kept).catch((error) => {
    STORE.removeItem("plenary.token");
    report(error, "Signing in again");
  });
}
document.body.dataset.booted = "yes";
export { ctx, h };
