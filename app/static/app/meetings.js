// Meetings (issue 30): the open report's meetings and their sessions. The chair's console
// (sessions, agenda, list of speakers, projector, floor queue), attendance and the summary for
// the secretariat, "ask for the floor" for whoever the session's kind lets speak, and what an
// open session shows the public (the current item, the projection, the caption lines).
// Everything is read through the public API, which decides what each reader sees (a speaker
// is "a participant" to whoever may not see names); live events re-read the page.

import { announce, h, keepFocus, when } from "./dom.js";

const KINDS = {
  open_consultation: "Open consultation",
  plenary: "Plenary session",
  closed: "Closed session",
};
const STATUS = { scheduled: "scheduled", in_progress: "in progress", ended: "ended" };
const VIEWS = [
  ["agenda", "The agenda"],
  ["speakers", "The list of speakers"],
  ["floor", "The amendment on the floor"],
  ["amendments", "The amendment list"],
];
// Events that change what this page shows: it reads the meeting again.
const FOLLOWED = /^(meeting|session|agenda|speaker|attendance|caption|projection|floor|amendment)\./;

const state = {
  reportId: null,
  meetings: [],
  meetingId: null,
  sessions: [],
  sessionId: null,
  screen: null,
  floor: null,
  floorEtag: null,
  attendance: null,
  loadedAt: 0,
  mine: new Set(),  // requests for the floor this browser made (an observer's list names nobody)
  ticker: null,
  cleared: new Set(),  // fields whose text was just sent: not kept across the next render
};
const watched = new WeakSet();

const isChair = (ctx) => ctx.role === "chair";
const writesAgenda = (ctx) => ["chair", "secretariat"].includes(ctx.role);
const keeps = (ctx) => ["chair", "secretariat"].includes(ctx.role);  // attendance, summary
const minutes = (seconds) => `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, "0")}`;

function current() {
  return state.sessions.find((s) => s.id === state.sessionId) || null;
}

function meeting() {
  return state.meetings.find((m) => m.id === state.meetingId) || null;
}

// --- reading ------------------------------------------------------------------------------

async function load(ctx) {
  state.reportId = ctx.reportId;
  state.meetings = await ctx.api.all(`/v1/reports/${ctx.reportId}/meetings`);
  if (!state.meetings.some((m) => m.id === state.meetingId)) {
    const open = state.meetings.filter((m) => !m.closed_at);
    const pick = open[open.length - 1] || state.meetings[state.meetings.length - 1];
    state.meetingId = pick ? pick.id : null;
  }
  state.sessions = state.meetingId
    ? (await ctx.api.get(`/v1/meetings/${state.meetingId}/sessions`)).data.items
    : [];
  if (!state.sessions.some((s) => s.id === state.sessionId)) {
    const running = state.sessions.find((s) => s.status === "in_progress");
    const last = state.sessions[state.sessions.length - 1];
    state.sessionId = running ? running.id : last ? last.id : null;
  }
  const [floor, screen, attendance] = await Promise.all([
    ctx.api.get(`/v1/reports/${ctx.reportId}/floor`).then((a) => a.data),
    state.sessionId
      ? ctx.api.get(`/v1/sessions/${state.sessionId}/screen`).then((a) => a.data).catch(() => null)
      : null,
    // Who attended is shown to the members of the group; anyone else is refused.
    state.sessionId && ctx.role !== "observer"
      ? ctx.api.get(`/v1/sessions/${state.sessionId}/attendance`).then((a) => a.data.items).catch(() => null)
      : null,
  ]);
  // Taking the amendment off the floor names the version the chair sees (If-Match): a
  // revision made meanwhile is refused, not decided on unseen.
  const onFloor = floor.floor && floor.floor.amendment;
  state.floorEtag = onFloor && isChair(ctx)
    ? (await ctx.api.get(`/v1/amendments/${onFloor.id}`)).etag
    : null;
  state.floor = floor;
  state.screen = screen;
  state.attendance = attendance;
  state.loadedAt = Date.now();
}

function act(ctx, container, what, path, body, done, clear = [], ifMatch = undefined) {
  return ctx.run(what, async () => {
    await ctx.api.post(path, body === undefined ? {} : body, ifMatch);
    for (const key of clear) state.cleared.add(key);
    if (done) announce(done);
    await load(ctx);
    draw(ctx, container);
  });
}

// --- the page -----------------------------------------------------------------------------

export const meetingsPage = {
  id: "meetings",
  title: "Meetings",
  async render(ctx, container) {
    if (!ctx.reportId) {
      container.replaceChildren(h("p", {}, "Open a report in the room first: its meetings are shown here."));
      // Signing in on this address shows the page before the last report opens: read its
      // meetings once it has (bounded: a group with no report waits for nothing).
      let tries = 0;
      const wait = setInterval(() => {
        tries += 1;
        if (ctx.reportId && container.isConnected && document.body.dataset.page === "meetings") {
          clearInterval(wait);
          scheduleReload(ctx, container);
          startTicker(container);
        } else if (tries > 600) clearInterval(wait);
      }, 100);
      return;
    }
    await load(ctx);
    draw(ctx, container);
    startTicker(container);
  },
  onEvent(ctx, event, container) {
    if (document.body.dataset.page !== "meetings") return;
    if (!FOLLOWED.test(event.type) && state.reportId === ctx.reportId) return;
    scheduleReload(ctx, container);
  },
};

let reloading = null;
let reloadAgain = false;

function scheduleReload(ctx, container) {
  // Many events arrive together (a session starts with its first item): one read covers them.
  if (reloading) {
    reloadAgain = true;
    return;
  }
  reloading = (async () => {
    try {
      do {
        reloadAgain = false;
        await load(ctx);
        draw(ctx, container);
      } while (reloadAgain);
    } catch (error) {
      ctx.fail(error, "Updating the meetings");
    } finally {
      reloading = null;
    }
  })();
}

// The speaking time counts on screen between reads (the server's count plus the time since).
function startTicker(container) {
  if (state.ticker) clearInterval(state.ticker);
  state.ticker = setInterval(() => {
    if (!container.isConnected || document.body.dataset.page !== "meetings") {
      clearInterval(state.ticker);
      state.ticker = null;
      return;
    }
    const since = (Date.now() - state.loadedAt) / 1000;
    for (const clock of container.querySelectorAll("[data-spoken]")) {
      clock.textContent = minutes(Number(clock.dataset.spoken) + since);
    }
  }, 1000);
}

// A live update re-renders the page while someone types: what they typed (a field marked
// edited) is put back in the new field, unless it was just sent.
function draw(ctx, container) {
  if (!watched.has(container)) {
    watched.add(container);
    const mark = (event) => {
      if (event.target.dataset && event.target.dataset.key) event.target.dataset.edited = "yes";
    };
    container.addEventListener("input", mark);
    container.addEventListener("change", mark);
  }
  const kept = new Map();
  for (const field of container.querySelectorAll("[data-edited]")) {
    if (!state.cleared.has(field.dataset.key)) kept.set(field.dataset.key, field.type === "checkbox" ? field.checked : field.value);
  }
  state.cleared.clear();
  keepFocus(container, () => container.replaceChildren(h("div", { className: "meetings-grid" },
    meetingsPart(ctx, container),
    sessionsPart(ctx, container),
    ...(current() ? sessionPart(ctx, container, current()) : []),
  )));
  for (const [key, value] of kept) {
    const field = container.querySelector(`[data-key="${CSS.escape(key)}"]`);
    if (!field) continue;
    if (field.type === "checkbox") field.checked = value;
    else field.value = value;
    field.dataset.edited = "yes";
  }
  document.body.dataset.meetingsReady = String(state.loadedAt);
}

function meetingsPart(ctx, container) {
  const report = ctx.reports.find((r) => r.id === ctx.reportId);
  const rows = state.meetings.map((m) => h("li", {},
    h("strong", {}, m.title || `Meeting ${m.id}`),
    m.venue ? `, ${m.venue}` : "",
    m.starts_on ? ` (${m.starts_on}${m.ends_on ? ` to ${m.ends_on}` : ""})` : "",
    m.closed_at ? " — closed" : " — open",
    m.id === state.meetingId ? h("span", { className: "muted" }, " (shown below)")
      : h("button", { type: "button", className: "quiet", dataset: { key: `meeting-${m.id}` },
        onclick: () => ctx.run("Showing the meeting", async () => {
          state.meetingId = m.id;
          state.sessionId = null;
          await load(ctx);
          draw(ctx, container);
        }) }, `Show ${m.title || `meeting ${m.id}`}`)));
  const part = h("section", { className: "card", "aria-labelledby": "meetings-list-title" },
    h("h3", { id: "meetings-list-title" }, `Meetings on ${report ? report.title : "this report"}`),
    rows.length ? h("ul", {}, rows) : h("p", {}, "No meeting has been opened on this report."));
  if (isChair(ctx) && !state.meetings.some((m) => !m.closed_at)) part.append(openMeetingForm(ctx, container));
  if (isChair(ctx) && meeting() && !meeting().closed_at) {
    part.append(h("div", { className: "actions" }, h("button", { type: "button", dataset: { key: "close-meeting" },
      onclick: () => act(ctx, container, "Closing the meeting", `/v1/meetings/${state.meetingId}/close`, undefined, "The meeting is closed.") },
    "Close the meeting")));
  }
  return part;
}

function openMeetingForm(ctx, container) {
  const title = h("input", { id: "meeting-title", type: "text", dataset: { key: "meeting-title" } });
  const venue = h("input", { id: "meeting-venue", type: "text", dataset: { key: "meeting-venue" } });
  return h("form", { onsubmit: (event) => {
    event.preventDefault();
    act(ctx, container, "Opening a meeting", `/v1/reports/${ctx.reportId}/meetings`,
      { title: title.value.trim(), venue: venue.value.trim(), first_session: null }, "The meeting is open.",
      ["meeting-title", "meeting-venue"]);
  } },
  h("label", { for: title.id }, "Title of the meeting"), title,
  h("label", { for: venue.id }, "Venue"), venue,
  h("div", { className: "actions" }, h("button", { type: "submit", dataset: { key: "open-meeting" } }, "Open a meeting")));
}

function sessionsPart(ctx, container) {
  const part = h("section", { className: "card", "aria-labelledby": "sessions-title" },
    h("h3", { id: "sessions-title" }, "Sessions"));
  if (!state.meetingId) {
    part.append(h("p", {}, "Sessions are held in a meeting."));
    return part;
  }
  const rows = state.sessions.map((s) => {
    const label = `${KINDS[s.kind]}${s.title ? `: ${s.title}` : ""}`;
    const controls = [];
    if (s.id !== state.sessionId) {
      controls.push(h("button", { type: "button", className: "quiet", dataset: { key: `follow-${s.id}` },
        onclick: () => ctx.run("Showing the session", async () => {
          state.sessionId = s.id;
          await load(ctx);
          draw(ctx, container);
        }) }, `Show ${label}`));
    }
    if (isChair(ctx) && s.status === "scheduled") {
      controls.push(h("button", { type: "button", dataset: { key: `start-${s.id}` },
        onclick: () => act(ctx, container, "Starting the session", `/v1/sessions/${s.id}/start`, undefined, `${label} has started.`) },
      `Start ${label}`));
    }
    if (isChair(ctx) && s.status === "in_progress") {
      controls.push(h("button", { type: "button", dataset: { key: `end-${s.id}` },
        onclick: () => act(ctx, container, "Ending the session", `/v1/sessions/${s.id}/end`, undefined, `${label} has ended.`) },
      `End ${label}`));
    }
    return h("li", { "aria-current": s.id === state.sessionId ? "true" : null },
      h("strong", {}, label), ` — ${STATUS[s.status]}`, s.id === state.sessionId ? " (shown below)" : "", " ",
      ...controls);
  });
  part.append(rows.length ? h("ol", { className: "sessions" }, rows) : h("p", {}, "No session yet."));
  if (isChair(ctx) && meeting() && !meeting().closed_at) part.append(newSessionForm(ctx, container));
  return part;
}

function newSessionForm(ctx, container) {
  const kind = h("select", { id: "session-kind", dataset: { key: "session-kind" } },
    Object.entries(KINDS).map(([value, label]) => h("option", { value }, label)));
  kind.value = "plenary";
  const title = h("input", { id: "session-title", type: "text", dataset: { key: "session-title" } });
  const start = h("input", { id: "session-start", type: "checkbox", checked: true, dataset: { key: "session-start" } });
  return h("form", { className: "new-session", onsubmit: (event) => {
    event.preventDefault();
    ctx.run("Scheduling the session", async () => {
      const { data } = await ctx.api.post(`/v1/meetings/${state.meetingId}/sessions`,
        { kind: kind.value, title: title.value.trim(), start: start.checked });
      state.sessionId = data.id;
      for (const key of ["session-kind", "session-title", "session-start"]) state.cleared.add(key);
      announce(`${KINDS[data.kind]} ${data.status === "in_progress" ? "has started" : "is scheduled"}.`);
      await load(ctx);
      draw(ctx, container);
    });
  } },
  h("h4", {}, "A new session"),
  h("label", { for: kind.id }, "Kind"), kind,
  h("label", { for: title.id }, "Title (optional)"), title,
  h("div", { className: "row" }, start, h("label", { for: start.id }, "Start it now")),
  h("div", { className: "actions" }, h("button", { type: "submit", dataset: { key: "schedule-session" } }, "Open the session")));
}

function sessionPart(ctx, container, s) {
  const screen = state.screen;
  const heading = `${KINDS[s.kind]}${s.title ? `: ${s.title}` : ""} — ${STATUS[s.status]}`;
  const head = h("section", { className: "card", "aria-labelledby": "session-title-now", dataset: { session: s.id } },
    h("h3", { id: "session-title-now" }, heading),
    h("p", { id: "session-current" }, s.current_item
      ? `Under discussion: item ${s.current_item.position}, ${s.current_item.title}`
      : "No agenda item is under discussion."),
    h("p", { className: "muted" }, `${s.present} in the room.`,
      s.started_at ? ` Started ${when(s.started_at)}.` : "", s.ended_at ? ` Ended ${when(s.ended_at)}.` : ""));
  if (s.kind !== "closed") {
    head.append(h("p", {}, h("a", { href: `${ctx.api.base}/reports/${ctx.reportId}/screen`, target: "_blank", rel: "noopener" },
      "The public screen of this report"), " (the projection and caption lines, as the public sees them)."));
  }
  if (!screen) {
    head.append(h("p", {}, "What happens inside this session is shown to those admitted to it."));
    return [head];
  }
  return [head, agendaPart(ctx, container, s, screen), speakersPart(ctx, container, s, screen),
    ...(isChair(ctx) ? [projectionPart(ctx, container, s)] : []),
    floorPart(ctx, container),
    ...(state.attendance ? [attendancePart(ctx, container, s)] : []),
    summaryPart(ctx, container, s),
    ...(s.kind !== "closed" ? [captionsPart(screen)] : [])];
}

// --- the agenda ---------------------------------------------------------------------------

function agendaPart(ctx, container, s, screen) {
  const items = screen.agenda;
  const open = !s.ended_at;
  const move = (item, position) => ctx.run("Moving the agenda item", async () => {
    await ctx.api.post(`/v1/sessions/${s.id}/agenda/${item.id}/move`, { position });
    announce(`“${item.title}” is now item ${position}.`);
    await load(ctx);
    draw(ctx, container);
  });
  const rows = items.map((item, index) => {
    const here = s.current_item && s.current_item.id === item.id;
    const controls = [];
    if (writesAgenda(ctx) && open) {
      if (index > 0) {
        controls.push(h("button", { type: "button", className: "quiet", dataset: { key: `up-${item.id}` },
          "aria-label": `Move up “${item.title}”`, onclick: () => move(item, index) }, "Move up"));
      }
      if (index < items.length - 1) {
        controls.push(h("button", { type: "button", className: "quiet", dataset: { key: `down-${item.id}` },
          "aria-label": `Move down “${item.title}”`, onclick: () => move(item, index + 2) }, "Move down"));
      }
    }
    if (isChair(ctx) && s.status === "in_progress" && !here) {
      controls.push(h("button", { type: "button", dataset: { key: `take-${item.id}` },
        "aria-label": `Take up “${item.title}”`,
        onclick: () => act(ctx, container, "Taking up the item", `/v1/sessions/${s.id}/agenda/current`, { item_id: item.id }, `Item ${item.position} is under discussion.`) },
      "Take up"));
    }
    return h("li", { className: here ? "current" : null, "aria-current": here ? "step" : null, dataset: { item: item.id } },
      h("span", {}, item.title), here ? h("strong", {}, " (under discussion)") : "",
      item.note ? h("span", { className: "muted" }, ` — ${item.note}`) : "",
      controls.length ? h("span", { className: "actions" }, " ", ...controls) : "");
  });
  const part = h("section", { className: "card", "aria-labelledby": "agenda-title" },
    h("h4", { id: "agenda-title" }, "Agenda"),
    rows.length ? h("ol", { id: "agenda-items" }, rows) : h("p", {}, "The agenda is empty."));
  if (isChair(ctx) && s.status === "in_progress" && items.length) {
    part.append(h("div", { className: "actions" }, h("button", { type: "button", dataset: { key: "next-item" },
      onclick: () => act(ctx, container, "Taking up the next item", `/v1/sessions/${s.id}/agenda/current`, { item_id: null }, "The next item is under discussion.") },
    "Next item")));
  }
  if (writesAgenda(ctx) && open) part.append(agendaForm(ctx, container, s));
  return part;
}

function agendaForm(ctx, container, s) {
  const title = h("input", { id: "agenda-new-title", type: "text", required: true, dataset: { key: "agenda-new-title" } });
  const sections = (ctx.report && ctx.report.outline) || [];
  const target = h("select", { id: "agenda-new-target", dataset: { key: "agenda-new-target" } },
    h("option", { value: "text" }, "Nothing (free text)"),
    h("option", { value: "amendment_list" }, "The amendment list"),
    sections.map((section) => h("option", { value: `part:${section.id}` },
      `Part ${section.label ? `${section.label} ` : ""}${section.heading || ""}`.trim())));
  return h("form", { className: "agenda-form", onsubmit: (event) => {
    event.preventDefault();
    const body = { kind: target.value, title: title.value.trim() };
    if (target.value.startsWith("part:")) {
      body.kind = "report_part";
      body.target_id = Number(target.value.slice(5));
    }
    act(ctx, container, "Adding the agenda item", `/v1/sessions/${s.id}/agenda`, body, `“${body.title}” is on the agenda.`,
      ["agenda-new-title", "agenda-new-target"]);
  } },
  h("label", { for: title.id }, "New agenda item"), title,
  h("label", { for: target.id }, "It points at"), target,
  h("div", { className: "actions" }, h("button", { type: "submit", dataset: { key: "agenda-add" } }, "Add to the agenda")));
}

// --- the list of speakers -----------------------------------------------------------------

function speakerLine(r) {
  const time = r.spoken_seconds === null || r.spoken_seconds === undefined ? null
    : h("span", { role: "timer", "aria-label": "Speaking time", dataset: r.status === "speaking" ? { spoken: r.spoken_seconds } : {} },
      minutes(r.spoken_seconds));
  return [h("span", { className: "speaker-name" }, r.label),
    r.point_of_order ? h("strong", {}, " (point of order)") : "",
    r.status === "speaking" ? " — speaking " : r.status === "waiting" ? " — waiting" : ` — ${r.status}`,
    time, r.over_time ? h("strong", {}, " over time") : ""];
}

function speakersPart(ctx, container, s, screen) {
  const live = s.status === "in_progress";
  const speakers = screen.speakers;
  const rows = speakers.map((r) => {
    const controls = [];
    if (isChair(ctx) && live && r.status === "waiting") {
      controls.push(h("button", { type: "button", dataset: { key: `give-${r.id}` }, "aria-label": `Give the floor to ${r.label}`,
        onclick: () => act(ctx, container, "Giving the floor", `/v1/sessions/${s.id}/speakers/give`, { request_id: r.id }, `${r.label} has the floor.`) },
      "Give the floor"));
      controls.push(h("button", { type: "button", className: "quiet", dataset: { key: `skip-${r.id}` }, "aria-label": `Skip ${r.label}`,
        onclick: () => act(ctx, container, "Skipping the speaker", `/v1/speakers/${r.id}/skip`, undefined, `${r.label} was skipped.`) },
      "Skip"));
    }
    return h("li", { className: r.status === "speaking" ? "current" : null, dataset: { request: r.id } },
      ...speakerLine(r), controls.length ? h("span", { className: "actions" }, " ", ...controls) : "");
  });
  const part = h("section", { className: "card", "aria-labelledby": "speakers-title" },
    h("h4", { id: "speakers-title" }, "List of speakers"),
    s.speaking_seconds ? h("p", { className: "muted" }, `Each speaker has ${minutes(s.speaking_seconds)}. Points of order come first.`)
      : h("p", { className: "muted" }, "Points of order come first."),
    rows.length ? h("ol", { id: "speaker-list" }, rows) : h("p", { id: "speaker-list" }, "Nobody has asked for the floor."));
  if (isChair(ctx) && live) {
    const speaking = speakers.some((r) => r.status === "speaking");
    part.append(h("div", { className: "actions" },
      h("button", { type: "button", dataset: { key: "next-speaker" }, disabled: !speakers.some((r) => r.status === "waiting"),
        onclick: () => act(ctx, container, "Giving the floor to the next speaker", `/v1/sessions/${s.id}/speakers/give`, { request_id: null }, "The next speaker has the floor.") },
      "Next speaker"),
      speaking ? h("button", { type: "button", className: "quiet", dataset: { key: "end-speech" },
        onclick: () => act(ctx, container, "Ending the speech", `/v1/sessions/${s.id}/speakers/end`, undefined, "The speech has ended.") },
      "End the speech") : null));
  }
  part.append(askPart(ctx, container, s, speakers));
  return part;
}

// Who may ask follows the session's kind (app/visibility.py): in a plenary, observers attend
// without the right to speak; the server refuses them too, this only says why beforehand.
function whyNotAsk(ctx, s) {
  if (s.status !== "in_progress") return s.status === "scheduled" ? "The session has not started." : "The session has ended.";
  if (s.kind === "plenary" && ctx.role === "observer") return "In a plenary session observers attend without the right to speak.";
  return null;
}

function askPart(ctx, container, s, speakers) {
  const why = whyNotAsk(ctx, s);
  const box = h("div", { className: "ask", id: "ask-floor" });
  if (why) {
    box.append(h("p", { id: "ask-why" }, why));
    return box;
  }
  const own = speakers.filter((r) => r.status === "waiting"
    && ((r.participant_id !== null && r.participant_id === ctx.me.id) || state.mine.has(r.id)));
  const ask = (pointOfOrder) => ctx.run("Asking for the floor", async () => {
    const { data } = await ctx.api.post(`/v1/sessions/${s.id}/speakers`, { point_of_order: pointOfOrder });
    state.mine.add(data.id);
    announce(pointOfOrder ? "Your point of order is on the list." : "You are on the list of speakers.");
    await load(ctx);
    draw(ctx, container);
  });
  const controls = [];
  if (!own.some((r) => !r.point_of_order)) {
    controls.push(h("button", { type: "button", id: "ask-for-floor", dataset: { key: "ask-for-floor" }, onclick: () => ask(false) }, "Ask for the floor"));
  }
  if (!own.some((r) => r.point_of_order)) {
    controls.push(h("button", { type: "button", className: "quiet", id: "point-of-order", dataset: { key: "point-of-order" }, onclick: () => ask(true) }, "Raise a point of order"));
  }
  for (const r of own) {
    controls.push(h("button", { type: "button", className: "quiet", dataset: { key: `withdraw-${r.id}` },
      onclick: () => act(ctx, container, "Withdrawing the request", `/v1/speakers/${r.id}/withdraw`, undefined, "Your request for the floor is withdrawn.") },
    r.point_of_order ? "Withdraw my point of order" : "Withdraw my request"));
  }
  box.append(h("div", { className: "actions" }, ...controls));
  return box;
}

// --- the projector ------------------------------------------------------------------------

function projectionPart(ctx, container, s) {
  const shown = s.projection ? s.projection.view : null;
  const project = (view, paragraph) => act(ctx, container, "Projecting", `/v1/sessions/${s.id}/projection`,
    paragraph ? { view, paragraph } : { view }, "The screen shows it.");
  const live = s.status === "in_progress";
  const paragraph = h("input", { id: "project-paragraph", type: "number", min: 1, dataset: { key: "project-paragraph" } });
  const describe = !shown ? "Nothing is projected."
    : shown === "report" ? `The screen shows the report${s.projection.paragraph ? ` at paragraph ${s.projection.paragraph}` : ""}.`
      : `The screen shows ${(VIEWS.find(([v]) => v === shown) || [shown, `the ${shown}`])[1].replace(/^The/, "the")}.`;
  const part = h("section", { className: "card", "aria-labelledby": "projection-title" },
    h("h4", { id: "projection-title" }, "The projector"),
    h("p", { id: "projection-now" }, describe));
  if (!live) return part;
  part.append(h("div", { className: "actions" }, VIEWS.map(([view, label]) => h("button", {
    type: "button", dataset: { key: `project-${view}` }, "aria-pressed": shown === view ? "true" : "false",
    onclick: () => project(view) }, `Project ${label.replace(/^The/, "the")}`))));
  part.append(h("form", { className: "row", onsubmit: (event) => {
    event.preventDefault();
    project("report", Number(paragraph.value) || null);
  } }, h("label", { for: paragraph.id }, "Paragraph of the report"), paragraph,
  h("button", { type: "submit", dataset: { key: "project-report" } }, "Project the report")));
  return part;
}

// --- the floor ----------------------------------------------------------------------------

function amendmentName(ctx, id) {
  const found = (ctx.pending || ctx.amendments || []).find((a) => a.id === id);
  return found ? `Amendment ${id}: ${found.instruction}` : `Amendment ${id}`;
}

function floorPart(ctx, container) {
  const floor = state.floor || {};
  const onFloor = floor.floor && floor.floor.amendment;
  const note = floor.meeting && floor.meeting.floor_note;
  const part = h("section", { className: "card", "aria-labelledby": "floor-queue-title" },
    h("h4", { id: "floor-queue-title" }, "The floor"),
    h("p", { id: "floor-now" }, onFloor ? `On the floor: ${amendmentName(ctx, onFloor.id)}` : "No amendment is on the floor."),
    note ? h("p", { id: "floor-note", className: "notice" }, note) : null);
  const queue = floor.floor_queue || [];
  part.append(queue.length
    ? h("ol", { id: "floor-queue", "aria-label": "Queued for the floor" }, queue.map((q) =>
      h("li", {}, amendmentName(ctx, q.amendment_id), q.deferred ? " (deferred)" : "")))
    : h("p", { className: "muted" }, "Nothing is queued for the floor."));
  if (!isChair(ctx) || !floor.meeting || floor.meeting.closed_at) return part;
  const reason = h("input", { id: "floor-reason", type: "text", dataset: { key: "floor-reason" } });
  const controls = [];
  if (onFloor) {
    controls.push(h("button", { type: "button", dataset: { key: "take-off" },
      onclick: () => act(ctx, container, "Taking the amendment off the floor", `/v1/amendments/${onFloor.id}/take-off`, { reason: reason.value.trim() }, "The amendment is off the floor.", ["floor-reason"], state.floorEtag) },
    "Take it off the floor"));
    controls.push(h("button", { type: "button", dataset: { key: "defer" },
      onclick: () => act(ctx, container, "Deferring the amendment", `/v1/amendments/${onFloor.id}/defer`, { reason: reason.value.trim() }, "The amendment is deferred.", ["floor-reason"], state.floorEtag) },
    "Defer it"));
  }
  controls.push(h("button", { type: "button", dataset: { key: "floor-next" }, disabled: !queue.length || Boolean(onFloor),
    onclick: () => act(ctx, container, "Calling the next amendment", `/v1/meetings/${floor.meeting.id}/floor/next`, undefined, "The next amendment is called.") },
  "Next from the queue"));
  if (onFloor) part.append(h("label", { for: reason.id }, "Reason (shown with the floor)"), reason);
  part.append(h("div", { className: "actions" }, ...controls));
  const queued = new Set(queue.map((q) => q.amendment_id));
  const proposed = (ctx.pending || []).filter((a) => a.status === "proposed" && !queued.has(a.id));
  if (proposed.length) {
    const pick = h("select", { id: "queue-pick", dataset: { key: "queue-pick" } },
      proposed.map((a) => h("option", { value: a.id }, amendmentName(ctx, a.id))));
    part.append(h("form", { className: "row", onsubmit: (event) => {
      event.preventDefault();
      act(ctx, container, "Queueing the amendment", `/v1/amendments/${pick.value}/queue`, undefined, "The amendment is queued for the floor.", ["queue-pick"]);
    } }, h("label", { for: pick.id }, "Queue for the floor"), pick,
    h("button", { type: "submit", dataset: { key: "queue-add" } }, "Queue it")));
  }
  return part;
}

// --- attendance, summary, captions ---------------------------------------------------------

function attendancePart(ctx, container, s) {
  const present = new Map(state.attendance.filter((a) => a.present).map((a) => [a.participant_id, a]));
  const live = !s.ended_at;
  const part = h("section", { className: "card", "aria-labelledby": "attendance-title" },
    h("h4", { id: "attendance-title" }, "Attendance"));
  if (keeps(ctx)) {
    // The secretariat checks people in and out; everyone the group lists is a row.
    const rows = [...ctx.names.entries()].map(([id, name]) => {
      const here = present.has(id);
      return h("li", {}, h("span", {}, name), here ? " — in the room " : " — not in the room ",
        live ? h("button", { type: "button", className: "quiet", dataset: { key: `attend-${id}` },
          "aria-label": here ? `Check out ${name}` : `Check in ${name}`,
          onclick: () => act(ctx, container, here ? "Checking out" : "Checking in",
            `/v1/sessions/${s.id}/attendance${here ? "/leave" : ""}`, { participant_id: id },
            here ? `${name} has left the room.` : `${name} is in the room.`) }, here ? "Check out" : "Check in") : null);
    });
    part.append(h("ul", { id: "attendance-list" }, rows));
  } else {
    const rows = [...present.values()].map((a) => h("li", {}, a.name));
    part.append(rows.length ? h("ul", { id: "attendance-list" }, rows) : h("p", {}, "Nobody is checked in."));
  }
  if (live && !present.has(ctx.me.id)) {
    part.append(h("div", { className: "actions" }, h("button", { type: "button", dataset: { key: "check-in-self" },
      onclick: () => act(ctx, container, "Checking in", `/v1/sessions/${s.id}/attendance`, {}, "You are in the room.") },
    "I am in the room")));
  }
  return part;
}

// The summary as a document of the meeting (Markdown, with who attended), saved as a file:
// read with the token in its header, never through a link that would carry it.
function downloadSummary(ctx, s) {
  return ctx.run("Downloading the summary", async () => {
    const response = await ctx.api.call("GET", `/v1/sessions/${s.id}/summary`, { raw: true });
    const url = URL.createObjectURL(await response.blob());
    const link = h("a", { href: url, download: `session-${s.id}-summary.md` });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  });
}

function summaryPart(ctx, container, s) {
  const part = h("section", { className: "card", "aria-labelledby": "summary-title" },
    h("h4", { id: "summary-title" }, "Summary"));
  const download = s.summary ? h("button", { type: "button", className: "quiet", dataset: { key: "summary-download" },
    onclick: () => downloadSummary(ctx, s) }, "Download the summary") : null;
  if (!keeps(ctx)) {
    part.append(s.summary ? h("p", { id: "summary-text", className: "summary" }, s.summary)
      : h("p", { className: "muted" }, "No summary has been published."));
    if (download) part.append(h("div", { className: "actions" }, download));
    return part;
  }
  const text = h("textarea", { id: "summary-editor", rows: 6, dataset: { key: "summary-editor" } });
  text.value = s.summary || "";
  part.append(h("form", { onsubmit: (event) => {
    event.preventDefault();
    ctx.run("Saving the summary", async () => {
      await ctx.api.call("PUT", `/v1/sessions/${s.id}/summary`, { body: { text: text.value } });
      state.cleared.add("summary-editor");
      announce("The summary is saved.");
      await load(ctx);
      draw(ctx, container);
    });
  } },
  h("label", { for: text.id }, "The session's summary"), text,
  h("p", { className: "muted" }, s.summary_published_at ? `Published ${when(s.summary_published_at)}.`
    : s.summary_updated_at ? `Saved ${when(s.summary_updated_at)}; not published.` : "Not written yet."),
  h("div", { className: "actions" },
    h("button", { type: "submit", dataset: { key: "summary-save" } }, "Save the summary"),
    isChair(ctx) && s.summary ? h("button", { type: "button", className: "quiet", dataset: { key: "summary-publish" },
      onclick: () => act(ctx, container, "Publishing the summary", `/v1/sessions/${s.id}/summary/publish`, undefined, "The summary is public.") },
    "Publish the summary") : null,
    download)));
  return part;
}

function captionsPart(screen) {
  const lines = screen.captions || [];
  return h("section", { className: "card", "aria-labelledby": "captions-title" },
    h("h4", { id: "captions-title" }, "Captions"),
    lines.length
      ? h("div", { role: "log", "aria-label": "Caption lines" }, h("ol", { id: "caption-lines" }, lines.map((c) => h("li", {}, c.text))))
      : h("p", { className: "muted" }, "No caption line yet."));
}
