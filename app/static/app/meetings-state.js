// The Meetings page's state and the reads and writes its parts share (meetings.js draws the
// page; meetings-console.js and meetings-record.js draw its parts).

import { announce } from "./dom.js";

export const KINDS = {
  open_consultation: "Open consultation",
  plenary: "Plenary session",
  closed: "Closed session",
};
export const STATUS = { scheduled: "scheduled", in_progress: "in progress", ended: "ended" };
export const VIEWS = [
  ["agenda", "The agenda"],
  ["speakers", "The list of speakers"],
  ["floor", "The amendment on the floor"],
  ["amendments", "The amendment list"],
];
// Events that change what this page shows: it reads the meeting again.
export const FOLLOWED = /^(meeting|session|agenda|speaker|attendance|caption|projection|floor|amendment)\./;

export const state = {
  reportId: null,
  meetings: [],
  meetingId: null,
  sessions: [],
  sessionId: null,
  screen: null,
  floor: null,
  floorEtag: null,
  attendance: null,
  captioners: [],  // who the chair named to caption (members see all; anyone else, only themselves)
  loadedAt: 0,
  mine: new Set(),  // requests for the floor this browser made (an observer's list names nobody)
  ticker: null,
  cleared: new Set(),  // fields whose text was just sent: not kept across the next render
};
export const isChair = (ctx) => ctx.role === "chair";
export const writesAgenda = (ctx) => ["chair", "secretariat"].includes(ctx.role);
export const keeps = (ctx) => ["chair", "secretariat"].includes(ctx.role);  // attendance, summary
export const minutes = (seconds) => `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, "0")}`;

export function current() {
  return state.sessions.find((s) => s.id === state.sessionId) || null;
}

export function meeting() {
  return state.meetings.find((m) => m.id === state.meetingId) || null;
}


// meetings.js sets how the page is drawn; the parts ask for it through `refresh`.
export const hooks = { draw: null };

export async function refresh(ctx, container) {
  await load(ctx);
  hooks.draw(ctx, container);
}

// --- reading ------------------------------------------------------------------------------

export async function load(ctx) {
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
  const [floor, screen, attendance, captioners] = await Promise.all([
    ctx.api.get(`/v1/reports/${ctx.reportId}/floor`).then((a) => a.data),
    state.sessionId
      ? ctx.api.get(`/v1/sessions/${state.sessionId}/screen`).then((a) => a.data).catch(() => null)
      : null,
    // Who attended is shown to the members of the group; anyone else is refused.
    state.sessionId && ctx.role !== "observer"
      ? ctx.api.get(`/v1/sessions/${state.sessionId}/attendance`).then((a) => a.data.items).catch(() => null)
      : null,
    // A server without the list (older): nobody is known to caption, the field is not offered.
    state.meetingId
      ? ctx.api.get(`/v1/meetings/${state.meetingId}/captioners`).then((a) => a.data.items).catch(() => [])
      : [],
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
  state.captioners = captioners;
  state.loadedAt = Date.now();
}

export function act(ctx, container, what, path, body, done, clear = [], ifMatch = undefined) {
  return ctx.run(what, async () => {
    await ctx.api.post(path, body === undefined ? {} : body, ifMatch);
    for (const key of clear) state.cleared.add(key);
    if (done) announce(done);
    await refresh(ctx, container);
  });
}
