// Meetings (issue 30): the open report's meetings and their sessions. The chair's console
// (sessions, agenda, list of speakers, projector, floor queue), attendance and the summary for
// the secretariat, "ask for the floor" for whoever the session's kind lets speak, and what an
// open session shows the public (the current item, the projection, the caption lines).
// Everything is read through the public API, which decides what each reader sees (a speaker
// is "a participant" to whoever may not see names); live events re-read the page.

import { announce, h, keepFocus, when } from "./dom.js";
import { agendaPart, floorPart, projectionPart, speakersPart } from "./meetings-console.js";
import { attendancePart, captionsPart, summaryPart } from "./meetings-record.js";
import {
  FOLLOWED, KINDS, STATUS, act, current, hooks, isChair, load, meeting, minutes, refresh, state,
} from "./meetings-state.js";

const watched = new WeakSet();

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
    await refresh(ctx, container);
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

hooks.draw = (ctx, container) => draw(ctx, container);

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
          await refresh(ctx, container);
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
          await refresh(ctx, container);
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
      await refresh(ctx, container);
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
    ...(s.kind !== "closed" ? [captionsPart(ctx, container, s, screen)] : [])];
}
