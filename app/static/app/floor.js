// The floor: what the projection screen shows (the amendment on the floor as tracked changes,
// its instruction, who holds the pen by function), the chair's meeting controls and decisions,
// and live drafting for whoever holds the pen (secretariat, chair, proposer): each revision
// names the one it edits (If-Match); a stale one shows the other typist's wording and keeps
// yours aside, never overwriting theirs.

import { act, describeChanges, STATUS_NAMES } from "./amendments.js";
import { announce, clash, h, keepFocus, wordChanges } from "./dom.js";
import { editableSpan, paragraphChanges, touchedByOps } from "./changes.js";
import { structureChanges } from "./structure.js";
import { confirmDecision } from "./dialog.js";

export function renderFloor(ctx) {
  const box = document.getElementById("floor-body");
  const state = ctx.floor;
  const meeting = state.meeting && !state.meeting.closed_at ? state.meeting : null;
  const parts = [];
  parts.push(h("p", { id: "meeting-state" }, meeting
    ? `A meeting is open (since ${new Date(meeting.opened_at).toLocaleTimeString()}).`
    : "No meeting is open."));
  if (ctx.can.chair() && ctx.report.status === "drafting") parts.push(meetingControls(ctx, meeting));
  const floor = state.floor;
  if (floor) {
    parts.push(renderOnFloor(ctx, floor, state));
  } else if (meeting) {
    parts.push(h("p", {}, "Nothing is on the floor."));
    if (ctx.can.chair() && ctx.report.status === "drafting") parts.push(callNext(ctx, meeting, state.floor_queue || []));
  }
  if (state.decisions && state.decisions.length) {
    parts.push(h("h3", {}, "Latest decisions"), h("ul", { className: "decisions" }, state.decisions.map((d) =>
      h("li", {}, `Amendment ${d.id}, ${STATUS_NAMES[d.status] || d.status}: ${d.instruction}`))));
  }
  // The jump bar (narrow windows, 200% zoom) says what is on the floor.
  const jump = document.getElementById("jump-floor");
  if (jump) jump.textContent = floor ? `The floor: amendment ${floor.amendment.id}` : "The floor";
  const pending = document.getElementById("jump-amendments");
  if (pending) {
    const open = (ctx.pending || []).filter((a) => ["proposed", "on_floor", "consent_open"].includes(a.status)).length;
    pending.textContent = open ? `Amendments (${open} open)` : "Amendments";
  }
  keepFocus(box, () => {
    const draft = box.querySelector(".drafting");
    box.replaceChildren(...parts);
    // A typist's unsent wording survives every refresh.
    const slot = box.querySelector(".drafting");
    if (draft && slot && draft.dataset.amendment === slot.dataset.amendment) slot.replaceWith(updateDraft(ctx, draft, floor));
  });
}

function meetingControls(ctx, meeting) {
  if (meeting) {
    return h("button", { type: "button", dataset: { key: "close-meeting" }, onclick: () => ctx.run("Closing the meeting", async () => {
      await ctx.api.post(`/v1/meetings/${meeting.id}/close`);
      announce("The meeting is closed.");
      await ctx.refresh();
    }) }, "Close the meeting");
  }
  return h("button", { type: "button", dataset: { key: "open-meeting" }, onclick: () => ctx.run("Opening a meeting", async () => {
    await ctx.api.post(`/v1/reports/${ctx.report.id}/meetings`);
    announce("A meeting is open.");
    await ctx.refresh();
  }) }, "Open a meeting");
}

function renderOnFloor(ctx, floor, state) {
  const a = floor.amendment;
  const section = state.sections.find((s) => s.id === a.section_id);
  const where = section ? `${section.label} ${section.heading}`.trim() : `section ${a.section_id}`;
  const out = h("div", { className: "on-floor", id: "on-floor", dataset: { amendment: a.id, revision: a.draft_revision } },
    h("h3", {}, `On the floor: amendment ${a.id}`),
    h("p", { className: "instruction", id: "floor-instruction" }, a.instruction),
    h("p", { className: "muted" },
      `${where}; wording revision ${a.draft_revision}`,
      state.pen_role ? `; ${state.pen_role} holds the pen` : "",
      state.pen ? ` (${state.pen})` : ""),
  );
  if (a.structure) {
    // A structural amendment: each section it touches, moved text marked as moved.
    if (!floor.preview.applies) out.append(h("p", { className: "warning" }, "This amendment no longer applies to the outline or texts as they stand; as proposed:"));
    out.append(structureChanges(floor.preview, "The structural amendment on the floor"));
  } else if (floor.preview.applies) {
    // Only the paragraphs it changes, numbered as in the text (highlighted there too).
    out.append(paragraphChanges(floor.preview.ops, section ? section.first_paragraph : 1,
      "The amendment on the floor as tracked changes"));
  } else {
    out.append(h("p", { className: "warning" }, "This wording no longer applies to the current text:"), conflictList(floor.preview.conflicts));
  }
  if (ctx.can.chair() && a.status === "on_floor") out.append(chairDecision(ctx, a));
  if (holdsPen(ctx, a)) out.append(draftingForm(ctx, a, section));
  return out;
}

function holdsPen(ctx, a) {
  // A structural amendment is not redrafted on the floor (its operands are not a wording).
  return a.status === "on_floor" && ctx.report.status === "drafting" && !a.structure
    && (ctx.can.secretariat() || ctx.can.chair() || a.proposer_id === ctx.me.id);
}

function chairDecision(ctx, a) {
  const reason = h("input", { id: "reject-reason", type: "text", dataset: { key: "reject-reason" } });
  // A reason being typed survives the live refreshes (another revision, a new answer...).
  ctx.floorReason = ctx.floorReason && ctx.floorReason.id === a.id ? ctx.floorReason : { id: a.id, text: "" };
  reason.value = ctx.floorReason.text;
  reason.addEventListener("input", () => { ctx.floorReason.text = reason.value; });
  const why = () => reason.value.trim();
  return h("div", { className: "decide" },
    ctx.deciding() ? h("button", { type: "button", dataset: { key: "adopt-floor" }, "aria-keyshortcuts": "A", onclick: async () => {
      // Adopting is final: the wording is read once more, in a dialog, before it is decided.
      const sure = await confirmDecision({
        id: "confirm-adopt", title: `Adopt amendment ${a.id}?`, confirm: `Adopt revision ${a.draft_revision}`,
        body: [h("p", {}, `The group adopts this wording (revision ${a.draft_revision}) of amendment ${a.id}:`),
          h("p", { className: "instruction" }, a.instruction)],
      });
      if (sure) await act(ctx, a, "Adopting the amendment", (etag) => ctx.api.post(`/v1/amendments/${a.id}/adopt`, undefined, etag),
        `Amendment ${a.id} adopted as revision ${a.draft_revision}.`);
    } },
    `Adopt this wording (revision ${a.draft_revision})`)
      : h("p", { className: "muted" }, "Adopting it is a decision taken in a plenary or closed session in progress: none is."),
    h("label", { for: "reject-reason" }, "Reason (optional)"), reason,
    h("button", { type: "button", className: "danger", dataset: { key: "reject-floor" }, "aria-keyshortcuts": "R", onclick: async () => {
      const sure = await confirmDecision({
        id: "confirm-reject", title: `Reject amendment ${a.id}?`, confirm: `Reject amendment ${a.id}`, danger: true,
        body: [h("p", { className: "instruction" }, a.instruction),
          h("p", {}, why() ? ["With the reason: ", h("q", {}, why())] : "No reason is given (type one in “Reason” beside the button first, if there is one).")],
      });
      if (sure) await act(ctx, a, "Rejecting the amendment", (etag) => ctx.api.post(`/v1/amendments/${a.id}/reject`, { reason: reason.value }, etag),
        `Amendment ${a.id} rejected.`);
    } }, "Reject"),
    // Undecided: back to proposed (it may come back), or to the end of the floor queue.
    h("div", { className: "actions" },
      h("button", { type: "button", className: "quiet", dataset: { key: "take-off-floor" }, "aria-keyshortcuts": "T", onclick: () =>
        act(ctx, a, "Taking the amendment off the floor", (etag) => ctx.api.post(`/v1/amendments/${a.id}/take-off`, { reason: why() }, etag),
          `Amendment ${a.id} is off the floor, undecided.`) }, "Take off the floor"),
      h("button", { type: "button", className: "quiet", dataset: { key: "defer-floor" }, onclick: () =>
        act(ctx, a, "Deferring the amendment", (etag) => ctx.api.post(`/v1/amendments/${a.id}/defer`, { reason: why() }, etag),
          `Amendment ${a.id} is deferred: last in the floor queue.`) }, "Defer")),
    h("p", { className: "muted" }, "The reason, if given, goes with a rejection, a take-off or a deferral."),
  );
}

// Nothing on the floor: the chair calls the next amendment queued for it.
function callNext(ctx, meeting, queue) {
  return h("div", { className: "actions" },
    h("button", { type: "button", dataset: { key: "call-next" }, "aria-keyshortcuts": "Q", disabled: !queue.length, onclick: () =>
      ctx.run("Calling the next amendment", async () => {
        await ctx.api.post(`/v1/meetings/${meeting.id}/floor/next`);
        announce("The next amendment on the queue is on the floor.");
        await ctx.refresh();
      }) }, queue.length ? `Call the next on the queue (${queue.length} queued)` : "Nothing is queued for the floor"));
}

// --- live drafting ----------------------------------------------------------------------------

function draftingForm(ctx, a, section) {
  // Only the paragraphs the amendment changes are edited; the rest of the section stays
  // as it is on the floor (the whole section when they cannot be told apart).
  const full = a.proposed_text;
  const span = section ? editableSpan(section.text, full) : { start: 0, end: full.length, whole: true };
  const numbers = section && ctx.floor.floor && ctx.floor.floor.preview.applies
    ? touchedByOps(ctx.floor.floor.preview.ops, section.first_paragraph) : [];
  const area = h("textarea", { id: "draft-text", rows: 6, dataset: { key: "draft-text" } });
  area.value = full.slice(span.start, span.end);
  const label = h("label", { for: "draft-text" });
  const form = h("form", { className: "drafting", dataset: { amendment: a.id, revision: a.draft_revision, etag: ctx.floorEtag || "" } },
    label,
    area,
    h("div", { className: "aside" }),
    h("div", { className: "actions" }, h("button", { type: "submit", dataset: { key: "send-revision" } }, "Send this revision")),
  );
  const name = () => {
    const which = form.draftPrefix || form.draftSuffix
      ? (numbers.length === 1 ? `paragraph ${numbers[0]}` : numbers.length ? `paragraphs ${numbers.join(", ")}` : "the changed paragraphs")
      : "the whole section";
    label.textContent = `Wording on the floor, ${which} (you are editing revision ${a.draft_revision})`;
  };
  form.draftPrefix = span.whole ? "" : full.slice(0, span.start);
  form.draftSuffix = span.whole ? "" : full.slice(span.end);
  form.compose = () => form.draftPrefix + area.value + form.draftSuffix;
  form.setWhole = (text) => {
    form.draftPrefix = "";
    form.draftSuffix = "";
    area.value = text;
    name();
  };
  name();
  form.dataset.dirty = "";
  area.addEventListener("input", () => { form.dataset.dirty = "yes"; });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    sendRevision(ctx, form, a);
  });
  return form;
}

// A refresh while someone types: keep their words and the revision they are editing.
function updateDraft(ctx, draft, floor) {
  if (!floor || draft.dataset.dirty !== "yes") {
    const section = ctx.floor.sections.find((x) => x.id === floor.amendment.section_id);
    return draftingForm(ctx, floor.amendment, section);
  }
  const note = draft.querySelector(".aside");
  if (floor.amendment.draft_revision !== Number(draft.dataset.revision)) {
    note.replaceChildren(h("p", { className: "warning" },
      `Someone else revised the wording (now revision ${floor.amendment.draft_revision}) while you typed; sending yours will show you both.`));
  }
  return draft;
}

function sendRevision(ctx, form, shown) {
  const text = form.compose();
  return ctx.run("Sending the revision", async () => {
    try {
      await ctx.api.post(`/v1/amendments/${shown.id}/revisions`, { text }, form.dataset.etag);
      form.dataset.dirty = "";
      announce("Your revision is on the floor.");
      await ctx.refresh();
    } catch (error) {
      if (error.status !== 412) throw error;
      // Stale: the other typist's wording stands; ours is kept aside, not sent.
      const { data: now, etag } = await ctx.api.get(`/v1/amendments/${shown.id}`);
      form.dataset.dirty = "";
      await ctx.refresh();
      const fresh = document.querySelector(".drafting");
      const spot = clash(text, now.proposed_text);
      const kept = h("div", { className: "stale", id: "stale-revision" },
        h("p", {}, `Someone else revised the wording first (revision ${now.draft_revision}); it is shown above and nothing of theirs was overwritten. Yours was not sent.`),
        h("p", {}, h("strong", {}, "Their wording here: "), h("q", {}, spot.theirs || "(nothing)")),
        h("p", {}, h("strong", {}, "Your wording here: "), h("q", {}, spot.mine || "(nothing)")),
        h("p", {}, "From their wording to yours (struck out: only theirs; underlined: only yours):"),
        wordChanges(now.proposed_text, text, "Their wording against yours"),
        h("button", { type: "button", onclick: () => {
          const area = fresh.querySelector("textarea");
          fresh.setWhole(text);
          fresh.dataset.etag = etag;
          fresh.dataset.dirty = "yes";
          area.focus();
        } }, "Edit my wording again on top of theirs"));
      if (fresh) fresh.querySelector(".aside").replaceChildren(kept);
      error.message = `The wording changed since you read it: ${describeChanges(shown, now) || "it was revised"}.`;
      throw error;
    }
  });
}

export function conflictList(conflicts) {
  return h("ul", { className: "conflicts" }, (conflicts || []).map((c) => h("li", {},
    h("p", {}, h("strong", {}, "This amendment: "), `replace “${c.proposal.base_text}” with “${c.proposal.replacement}”`),
    h("p", {}, h("strong", {}, c.head.version ? `Version ${c.head.version} already: ` : "Since then: "),
      `replaced “${c.head.base_text}” with “${c.head.replacement}”`),
  )));
}
