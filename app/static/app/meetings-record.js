// The record of a session on the Meetings page: attendance (kept by the secretariat), the
// summary and the caption lines.

import { announce, h, when } from "./dom.js";
import { act, isChair, keeps, refresh, state } from "./meetings-state.js";

// --- attendance, summary, captions ---------------------------------------------------------

export function attendancePart(ctx, container, s) {
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

export function summaryPart(ctx, container, s) {
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
      await refresh(ctx, container);
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

// The caption lines; the chair names who captions (any participant of the group), and a
// named captioner adds lines here while a public session is in progress.
export function captionsPart(ctx, container, s, screen) {
  const lines = screen.captions || [];
  const part = h("section", { className: "card", "aria-labelledby": "captions-title" },
    h("h4", { id: "captions-title" }, "Captions"),
    lines.length
      ? h("div", { role: "log", "aria-label": "Caption lines" }, h("ol", { id: "caption-lines" }, lines.map((c) => h("li", {}, c.text))))
      : h("p", { className: "muted" }, "No caption line yet."));
  const mine = state.captioners.some((c) => c.participant_id === ctx.me.id);
  if (mine && s.status === "in_progress") part.append(captionForm(ctx, container, s));
  else if (mine) part.append(h("p", { className: "muted" }, "You caption this meeting: the caption field is here while a public session is in progress."));
  if (isChair(ctx)) part.append(captionersForm(ctx, container));
  else if (state.captioners.length && ctx.role !== "observer") {
    part.append(h("p", { id: "captioners" }, `Captioning: ${state.captioners.map((c) => c.name).join(", ")}.`));
  }
  return part;
}

function captionForm(ctx, container, s) {
  const line = h("input", { id: "caption-line", type: "text", maxlength: 2000, dataset: { key: "caption-line" } });
  return h("form", { className: "caption-form", onsubmit: (event) => {
    event.preventDefault();
    if (!line.value.trim()) {
      ctx.fail(new Error("Type the caption line first."), "Adding the caption line");
      line.focus();
      return;
    }
    ctx.run("Adding the caption line", async () => {
      await ctx.api.post(`/v1/sessions/${s.id}/captions`, { text: line.value.trim() });
      state.cleared.add("caption-line");
      announce("The caption line is on the screen.");
      await refresh(ctx, container);
      const again = document.getElementById("caption-line");
      if (again) again.focus();  // the next line follows at once
    });
  } },
  h("label", { for: line.id }, "Caption line (you caption this meeting)"), line,
  h("div", { className: "actions" }, h("button", { type: "submit", dataset: { key: "caption-send" } }, "Add the line")));
}

// The chair names and un-names captioners of the meeting (a narrow grant: caption lines only).
function captionersForm(ctx, container) {
  const named = new Set(state.captioners.map((c) => c.participant_id));
  const choice = h("select", { id: "captioner-choice", dataset: { key: "captioner-choice" } },
    [...ctx.names.entries()].filter(([id]) => !named.has(id)).map(([id, name]) => h("option", { value: String(id) }, name)));
  const set = (participantId, on, name) => act(ctx, container, on ? "Naming a captioner" : "Un-naming the captioner",
    `/v1/meetings/${state.meetingId}/captioners`, { participant_id: participantId, captioner: on },
    on ? `${name} captions this meeting.` : `${name} no longer captions this meeting.`);
  return h("div", { className: "captioners" },
    h("h5", {}, "Who captions"),
    state.captioners.length
      ? h("ul", { id: "captioners" }, state.captioners.map((c) => h("li", {}, c.name, " ",
        h("button", { type: "button", className: "quiet", dataset: { key: `uncaption-${c.participant_id}` }, onclick: () => set(c.participant_id, false, c.name) },
          "Stop", h("span", { className: "visually-hidden" }, ` ${c.name} captioning`)))))
      : h("p", { className: "muted", id: "captioners" }, "Nobody is named to caption this meeting."),
    choice.childElementCount ? h("form", { className: "row", onsubmit: (event) => {
      event.preventDefault();
      set(Number(choice.value), true, ctx.names.get(Number(choice.value)));
    } },
    h("label", { for: choice.id }, "Name a captioner"), choice,
    h("button", { type: "submit", dataset: { key: "captioner-add" } }, "Name as captioner")) : null);
}
