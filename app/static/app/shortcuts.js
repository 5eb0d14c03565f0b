// Keyboard shortcuts for what the chair and the members do most (issue 34). They only speed
// up: each one moves the focus to a place, or uses a button that is on the page anyway (the
// "Keyboard shortcuts" button opens this list). They never fire while typing in a field, with
// Ctrl, Alt or Meta held, or under an open dialog; nothing is decided or sent by a key alone:
// a decision opens its confirmation, an answer opens the consent form.
//
// Escape, anywhere: an open dialog closes itself; an open editor in a <details> (a
// disposition, a reply, a new round...) folds, and the focus goes back to its summary. The
// room's own editors (a proposal, an objection, a revision) handle Escape where they are.

import { announce as said, h, setOrigin } from "./dom.js";
import { openDialog, showDialog } from "./dialog.js";

const $ = (id) => document.getElementById(id);

// A shortcut's message goes to the live region only: no note beside the control last used
// (which may be anywhere: a shortcut is pressed wherever the focus is).
function announce(text) {
  setOrigin(null);
  said(text);
}

// The room is shown (not a group page): the shortcuts about the text and the floor.
const inRoom = () => !document.body.dataset.page || document.body.dataset.page === "room";

function place(target) {
  if (!target) return false;
  if (!target.hasAttribute("tabindex") && !target.matches("a[href], button, input, select, textarea, summary")) target.tabIndex = -1;
  target.scrollIntoView({ block: "center" });
  target.focus({ preventScroll: true });
  return true;
}

// A place in the room, from wherever the reader is (a group page first goes back to it).
function goToRoom(id, what) {
  if (!inRoom()) {
    location.hash = `#${id}`;  // pages.js brings the room back and focuses the target
    return;
  }
  if (!place($(id))) announce(`${what} is not on this page.`);
}

function goToPage(ctx, id) {
  if (!ctx.pageIds || !ctx.pageIds.has(id)) return;
  location.hash = `#/${id}`;
}

// The paragraphs with something pending (an open amendment, or the one on the floor), in
// reading order; `step` 1 for the next after the focus (or the top of the window), -1 for the
// previous.
function pendingParagraph(step) {
  if (!inRoom()) {
    announce("Paragraphs with pending amendments are in the room: press g then t for the text.");
    return;
  }
  const marked = [...document.querySelectorAll("#report-body .paragraph.has-pending, #report-body .paragraph.floor-target")];
  if (!marked.length) {
    announce("No paragraph has a pending amendment.");
    return;
  }
  const here = document.activeElement && document.activeElement.closest && document.activeElement.closest("#report-body .paragraph");
  let index;
  if (here) {
    const all = [...document.querySelectorAll("#report-body .paragraph")];
    const at = all.indexOf(here);
    const positions = marked.map((p) => all.indexOf(p));
    index = step > 0 ? positions.findIndex((pos) => pos > at) : positions.map((pos, i) => [pos, i]).filter(([pos]) => pos < at).map(([, i]) => i).pop();
    if (index === undefined) index = -1;
  } else {
    const tops = marked.map((p) => p.getBoundingClientRect().top);
    index = step > 0 ? tops.findIndex((top) => top > 1) : tops.map((top, i) => [top, i]).filter(([top]) => top < -1).map(([, i]) => i).pop();
    if (index === undefined) index = -1;
  }
  if (index < 0) {
    announce(step > 0 ? "No later paragraph has a pending amendment." : "No earlier paragraph has a pending amendment.");
    return;
  }
  const target = marked[index];
  place(target);
  announce(`Paragraph ${target.dataset.paragraph}: ${target.querySelector(".marks") ? target.querySelector(".marks").textContent : "pending amendments"}.`);
}

// A button the page shows anyway, used by a key: absent, say why instead.
function useButton(selector, missing) {
  if (!inRoom()) {
    announce(`${missing} Go to the room first (g then f).`);
    return;
  }
  const button = document.querySelector(selector);
  if (!button || button.disabled || button.closest("[hidden]")) {
    announce(missing);
    return;
  }
  button.scrollIntoView({ block: "center" });
  button.click();
}

// The amendment a member answers with `c`: the one whose card or paragraph holds the focus,
// else the one on the floor, else the first round awaiting an answer in the list.
function answerable() {
  const buttons = [...document.querySelectorAll('#amendment-list button[data-key^="consent-"]')];
  if (!buttons.length) return null;
  const byId = (id) => buttons.find((b) => b.dataset.key === `consent-${id}`);
  const active = document.activeElement;
  const card = active && active.closest && active.closest(".amendment[id^='amendment-']");
  if (card && byId(card.id.slice("amendment-".length))) return byId(card.id.slice("amendment-".length));
  const paragraph = active && active.closest && active.closest("#report-body .paragraph");
  if (paragraph) {
    for (const link of paragraph.querySelectorAll(".marks a[href^='#amendment-']")) {
      const found = byId(link.getAttribute("href").slice("#amendment-".length));
      if (found) return found;
    }
  }
  const floor = $("on-floor");
  if (floor && byId(floor.dataset.amendment)) return byId(floor.dataset.amendment);
  return buttons[0];
}

// The consent form: what is answered, read once more, and the answers; nothing is sent until
// the member chooses one. Each answer is the card's own button (signed there, as ever).
async function consentForm(ctx) {
  if (!inRoom()) {
    announce("Consent rounds are answered in the room: press g then a for the amendments.");
    return;
  }
  const consent = answerable();
  if (!consent) {
    announce(ctx.can.vote() ? "No consent round awaits your answer here." : "Only voting members answer consent rounds.");
    return;
  }
  const id = consent.dataset.key.slice("consent-".length);
  const card = $(`amendment-${id}`);
  const instruction = card && card.querySelector(".instruction");
  const tally = card && card.querySelector(".tally");
  const object = card && card.querySelector(`[data-key="object-${id}"]`);
  const standAside = card && card.querySelector(`[data-key="stand-aside-${id}"]`);
  const choice = await showDialog({
    id: "consent-form",
    title: `Your answer on amendment ${id}`,
    focus: "[data-answer='consent']",
    body: [
      instruction ? h("p", { className: "instruction" }, instruction.textContent) : null,
      tally ? h("p", { className: "muted" }, tally.textContent) : null,
      h("p", {}, "Your answer is signed in this browser and recorded for the group."),
    ].filter(Boolean),
    actions: (close) => [
      h("button", { type: "button", dataset: { answer: "consent" }, onclick: () => close("consent") }, consent.textContent),
      standAside ? h("button", { type: "button", className: "quiet", dataset: { answer: "stand-aside" }, onclick: () => close("stand-aside") }, standAside.textContent) : null,
      object ? h("button", { type: "button", className: "quiet", dataset: { answer: "object" }, onclick: () => close("object") }, "Object… (write your reason)") : null,
      h("button", { type: "button", className: "quiet", onclick: () => close(undefined) }, "Cancel"),
    ],
  });
  // The card may have been redrawn by a live update meanwhile: its buttons are found again.
  const again = (key) => document.querySelector(`#amendment-list [data-key="${key}"]`);
  if (choice === "consent" && again(`consent-${id}`)) {
    again(`consent-${id}`).focus();
    again(`consent-${id}`).click();
  } else if (choice === "stand-aside" && again(`stand-aside-${id}`)) {
    again(`stand-aside-${id}`).focus();
    again(`stand-aside-${id}`).click();
  } else if (choice === "object" && again(`object-${id}`)) {
    again(`object-${id}`).scrollIntoView({ block: "center" });
    again(`object-${id}`).click();  // opens the objection's form, its reason box focused
  } else if (choice) {
    announce(`Amendment ${id} changed meanwhile; read it again in the list.`);
  }
}

// The list, as the help dialog shows it and the keys use it. `who`: the roles it is for.
function shortcuts(ctx) {
  return [
    { keys: ["?"], label: "Show these shortcuts", run: () => help(ctx) },
    { keys: ["g", "f"], label: "Go to the floor", run: () => goToRoom("floor-title", "The floor") },
    { keys: ["g", "o"], label: "Go to the outline", run: () => goToRoom("outline-title", "The outline") },
    { keys: ["g", "t"], label: "Go to the text", run: () => goToRoom("report-title", "The text") },
    { keys: ["g", "a"], label: "Go to the amendments", run: () => goToRoom("amendments-title", "The amendment list") },
    { keys: ["g", "m"], label: "Go to the Meetings page", run: () => goToPage(ctx, "meetings") },
    { keys: ["g", "c"], label: "Go to the Comment rounds page", run: () => goToPage(ctx, "comments") },
    { keys: ["g", "q"], label: "Go to the Questionnaires page", run: () => goToPage(ctx, "questionnaires") },
    { keys: ["g", "l"], label: "Go to the Lineage page", run: () => goToPage(ctx, "lineage") },
    { keys: ["n"], label: "Next paragraph with a pending amendment", run: () => pendingParagraph(1) },
    { keys: ["p"], label: "Previous paragraph with a pending amendment", run: () => pendingParagraph(-1) },
    { keys: ["c"], label: "Answer a consent round (opens the consent form; nothing is sent until you choose)", who: ["chair", "member"], run: () => consentForm(ctx) },
    { keys: ["a"], label: "Adopt the amendment on the floor (asks you to confirm)", who: ["chair"], run: () => useButton('[data-key="adopt-floor"]', "There is no amendment on the floor to adopt, or no plenary or closed session is in progress.") },
    { keys: ["r"], label: "Reject the amendment on the floor (asks you to confirm)", who: ["chair"], run: () => useButton('[data-key="reject-floor"]', "There is no amendment on the floor to reject.") },
    { keys: ["t"], label: "Take the amendment off the floor, undecided", who: ["chair"], run: () => useButton('[data-key="take-off-floor"]', "There is no amendment on the floor.") },
    { keys: ["q"], label: "Call the next amendment on the queue to the floor", who: ["chair"], run: () => useButton('[data-key="call-next"]', "Nothing is queued for the floor, or an amendment is on it.") },
  ].filter((s) => !s.who || s.who.includes(ctx.role));
}

function help(ctx) {
  if (openDialog()) return undefined;
  const rows = shortcuts(ctx).map((s) => h("tr", {},
    h("th", { scope: "row" }, s.keys.map((k, i) => [i ? " then " : "", h("kbd", {}, k)])),
    h("td", {}, s.label)));
  return showDialog({
    id: "shortcuts-help",
    title: "Keyboard shortcuts",
    body: [
      h("p", {}, "Press them anywhere except while typing in a field. Each has a button on the page too; Escape closes a dialog or an open form."),
      h("table", { className: "shortcuts" }, h("caption", { className: "visually-hidden" }, "Keyboard shortcuts"),
        h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Keys"), h("th", { scope: "col" }, "What they do"))),
        h("tbody", {}, rows)),
    ],
    actions: (close) => [h("button", { type: "button", onclick: () => close() }, "Close")],
  });
}

function typing(target) {
  if (!target || !target.closest) return false;
  return Boolean(target.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']"));
}

// Escape in an open <details> (an editor that folds): fold it, focus back on its summary.
function foldEditor(event) {
  const details = event.target && event.target.closest && event.target.closest("details[open]");
  if (!details) return false;
  const summary = details.querySelector(":scope > summary");
  details.open = false;
  if (summary) summary.focus();
  return true;
}

export function setUpShortcuts(ctx) {
  let pending = null;  // the first key of a two-key shortcut ("g")
  const button = $("shortcuts-button");
  if (button) {
    button.hidden = false;
    button.addEventListener("click", () => help(ctx));
  }
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented) return;
    if (event.key === "Escape") {
      if (!openDialog() && foldEditor(event)) event.preventDefault();
      pending = null;
      return;
    }
    if (event.ctrlKey || event.altKey || event.metaKey || event.isComposing) return;
    if (typing(event.target) || openDialog() || $("workspace").hidden) {
      pending = null;
      return;
    }
    const list = shortcuts(ctx);
    const typed = pending ? [pending, event.key] : [event.key];
    const match = list.find((s) => s.keys.length === typed.length && s.keys.every((k, i) => k === typed[i]));
    if (match) {
      pending = null;
      event.preventDefault();
      match.run();
      return;
    }
    if (!pending && list.some((s) => s.keys.length === 2 && s.keys[0] === event.key)) {
      pending = event.key;
      event.preventDefault();
      return;
    }
    pending = null;
  });
}
