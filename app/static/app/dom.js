// Small DOM helpers: elements built from data (text is always text, never parsed as HTML),
// announcements for screen readers, and focus kept across re-renders.

export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      element.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (key === "className") {
      element.className = value;
    } else if (key === "dataset") {
      Object.assign(element.dataset, value);
    } else if (value === true) {
      element.setAttribute(key, "");
    } else {
      element.setAttribute(key, String(value));
    }
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

// Server-rendered tracked changes: the API escapes the text and adds only <ins>, <del>, <br>.
// A space is put between a deleted and an inserted word ("organizing organising").
export function trackedChanges(html, label) {
  const box = h("div", { className: "tracked", role: "group", "aria-label": label });
  box.innerHTML = html;
  for (const del of [...box.querySelectorAll("del")]) {
    const next = del.nextSibling;
    if (next && next.nodeName === "INS") del.after(h("span", { className: "gap" }, " "));
  }
  return box;
}

let messageSerial = 0;

// Messages go to the live regions (#status, #problem: a dock kept in view at the bottom of
// the window) and are repeated beside the control the person used (`setOrigin`), found
// again after the page re-renders.
let origin = null;
let lastNote = null;

function anchorsOf(element) {
  const found = [];
  for (let node = element; node && node !== document.body; node = node.parentElement) {
    if (node.dataset && node.dataset.key) found.push(`[data-key="${CSS.escape(node.dataset.key)}"]`);
    if (node.id && node.id !== "main") found.push(`#${CSS.escape(node.id)}`);
  }
  return found;
}

export function setOrigin(element) {
  origin = element && element !== document.body ? anchorsOf(element) : null;
  lastNote = null;
  for (const old of document.querySelectorAll(".local-note")) old.remove();
}

// Put the last message beside where the person acted (call again after a re-render).
export function placeNote() {
  if (!origin || !lastNote || Date.now() - lastNote.at > 20_000) return;
  for (const old of document.querySelectorAll(".local-note")) old.remove();
  for (const selector of origin) {
    const found = document.querySelector(selector);
    if (!found || found.closest("[hidden]")) continue;
    const holder = found.closest(".actions, .row, .decide, .objection, .editor, .drafting, .change-form, .amendment, .paragraph, .on-floor") || found;
    const note = h("p", { className: `local-note ${lastNote.kind}` }, lastNote.text);
    if (holder.matches(".amendment, .paragraph, .on-floor, .editor, .drafting")) holder.append(note);
    else holder.after(note);
    // The control used is gone (a withdrawn amendment has no "Withdraw"): focus stays here.
    if (document.activeElement === document.body || !document.activeElement) {
      note.tabIndex = -1;
      note.focus({ preventScroll: false });
    }
    return;
  }
}

export function announce(text) {
  const status = document.getElementById("status");
  messageSerial += 1;
  status.textContent = text;
  status.dataset.serial = String(messageSerial);
  // Seen, then out of the way: the dock hides an old message (the note beside the control
  // and the live announcement stay).
  status.classList.remove("faded");
  const serial = messageSerial;
  setTimeout(() => { if (messageSerial === serial) status.classList.add("faded"); }, 20_000);
  lastNote = { text, kind: "done", at: Date.now() };
  placeNote();
}

export function showProblem(text, extra) {
  const alert = document.getElementById("problem");
  const dismiss = h("button", { type: "button", className: "quiet", onclick: clearProblem }, "Dismiss");
  alert.replaceChildren(h("p", {}, text), ...(extra ? [extra] : []), dismiss);
  alert.hidden = false;
  lastNote = { text, kind: "failed", at: Date.now() };
  placeNote();
}

export function clearProblem() {
  const alert = document.getElementById("problem");
  alert.replaceChildren();
  alert.hidden = true;
}

// Re-render `container` with `render()`, then put the focus back on the control that had it
// (matched by its data-key), so live updates never throw a keyboard user out of place.
export function keepFocus(container, render) {
  const active = document.activeElement;
  const key = active && container.contains(active) ? active.dataset.key : undefined;
  render();
  if (key) {
    const again = container.querySelector(`[data-key="${CSS.escape(key)}"]`);
    if (again) again.focus();
  }
}

// Paragraphs as the server counts them (app/text/paragraphs.py): blocks separated by blank
// lines; a Markdown heading line kept inside a section's text is not numbered.
export function blocks(text) {
  const found = [];
  const blank = /\n[ \t]*\n/g;
  let position = 0;
  const cut = (end) => {
    const chunk = text.slice(position, end);
    const stripped = chunk.trim();
    if (stripped) {
      const start = position + (chunk.length - chunk.trimStart().length);
      found.push({ start, end: start + stripped.length, text: stripped, numbered: !/^#{1,6}\s/.test(stripped) });
    }
  };
  for (let match = blank.exec(text); match; match = blank.exec(text)) {
    cut(match.index);
    position = match.index + match[0].length;
  }
  cut(text.length);
  return found;
}

// Where two wordings part: the common start and end, and what each side has in between.
export function clash(mine, theirs) {
  let start = 0;
  while (start < mine.length && start < theirs.length && mine[start] === theirs[start]) start += 1;
  let end = 0;
  while (
    end < mine.length - start && end < theirs.length - start
    && mine[mine.length - 1 - end] === theirs[theirs.length - 1 - end]
  ) end += 1;
  return {
    before: mine.slice(Math.max(0, start - 40), start),
    mine: mine.slice(start, mine.length - end),
    theirs: theirs.slice(start, theirs.length - end),
  };
}

// Their wording against yours, word by word, as tracked changes (deleted: only theirs;
// inserted: only yours). A longest-common-subsequence table, capped so a huge text never
// freezes the page; past the cap, the single span where the two part.
export function wordChanges(theirs, mine, label) {
  const a = theirs.match(/\s+|[^\s]+/g) || [];
  const b = mine.match(/\s+|[^\s]+/g) || [];
  const box = h("div", { className: "tracked", role: "group", "aria-label": label });
  if (a.length * b.length > 2_000_000) {
    const spot = clash(mine, theirs);
    box.append(spot.before, h("del", {}, spot.theirs), h("span", { className: "gap" }, " "), h("ins", {}, spot.mine));
    return box;
  }
  const table = commonRuns(a, b);
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      box.append(a[i]);
      i += 1;
      j += 1;
    } else if (j < b.length && (i === a.length || table[i][j + 1] >= table[i + 1][j])) {
      if (box.lastChild && box.lastChild.nodeName === "DEL") box.append(h("span", { className: "gap" }, " "));
      box.append(h("ins", {}, b[j]));
      j += 1;
    } else {
      box.append(h("del", {}, a[i]));
      i += 1;
    }
  }
  return box;
}

// A time from the API, for people: every time in plenary is UTC, with or without its suffix.
export function when(text) {
  if (!text) return "";
  const utc = /(Z|[+-]\d\d:?\d\d)$/.test(text) ? text : `${text}Z`;
  const moment = new Date(utc);
  return Number.isNaN(moment.getTime()) ? String(text) : moment.toLocaleString();
}

// --- a redraw keeps what a person is doing ---------------------------------------------------

// Where the focus is (the element, its key, a text field's selection), read before a redraw
// moves or replaces anything: moving a focused field out of its old place blurs it.
export function whereFocus() {
  const element = document.activeElement;
  if (!element || element === document.body) return null;
  const place = { element, key: element.dataset ? element.dataset.key : undefined, id: element.id };
  try {
    if (typeof element.selectionStart === "number") place.selection = [element.selectionStart, element.selectionEnd, element.selectionDirection];
  } catch {
    // a field without a text selection (a number input)
  }
  return place;
}

// After the redraw: the same element if it is still in the page (kept or carried over), else
// its twin by key or id inside `container`; the selection as it was.
export function backToFocus(place, container) {
  if (!place) return;
  let target = place.element.isConnected ? place.element : null;
  if (!target && place.key) target = container.querySelector(`[data-key="${CSS.escape(place.key)}"]`);
  if (!target && place.id) target = container.querySelector(`#${CSS.escape(place.id)}`);
  if (!target || target.closest("[hidden]")) return;
  if (document.activeElement !== target) target.focus({ preventScroll: true });
  if (place.selection && typeof target.setSelectionRange === "function") {
    try {
      target.setSelectionRange(...place.selection);
    } catch {
      // the field no longer takes a selection
    }
  }
}

function detailsKey(details) {
  const summary = details.querySelector(":scope > summary");
  if (details.dataset.key) return `key:${details.dataset.key}`;
  if (summary && summary.dataset.key) return `key:${summary.dataset.key}`;
  return details.className ? `class:${details.className}` : null;
}

function changed(field) {
  if (field.type === "checkbox" || field.type === "radio") return field.checked !== field.defaultChecked;
  if (field.tagName === "SELECT") return [...field.options].some((o) => o.selected !== o.defaultSelected);
  return field.value !== field.defaultValue;
}

// What a person was doing in `old` goes over to `fresh`, its new rendering: every open
// <details> (a form, a history being read) is moved across whole, with its typing, its
// listeners and the version it edits; any other field typed in is copied to its twin (same
// id) and told so ("input"/"change"), so what depends on it follows.
export function carryOver(old, fresh) {
  for (const open of [...old.querySelectorAll("details[open]")]) {
    if (!old.contains(open)) continue;  // moved already, inside an outer one
    const key = detailsKey(open);
    if (!key) continue;
    const slot = [...fresh.querySelectorAll("details")].find((d) => d !== open && !open.contains(d) && detailsKey(d) === key);
    if (slot) slot.replaceWith(open);
  }
  for (const field of old.querySelectorAll("input[id], textarea[id], select[id]")) {
    if (!changed(field)) continue;
    const twin = fresh.querySelector(`#${CSS.escape(field.id)}`);
    if (!twin || twin === field || twin.tagName !== field.tagName || twin.type !== field.type) continue;
    if (field.type === "checkbox" || field.type === "radio") twin.checked = field.checked;
    else twin.value = field.value;
    twin.dispatchEvent(new Event(field.tagName === "SELECT" ? "change" : "input", { bubbles: true }));
  }
}

// Lengths of the longest common subsequence of every pair of suffixes of two lists of
// strings (`table[i][j]` for `a[i:]` and `b[j:]`): the tracked changes' word and paragraph
// alignments walk it from [0][0].
export function commonRuns(a, b) {
  const table = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i -= 1) {
    for (let j = b.length - 1; j >= 0; j -= 1) {
      table[i][j] = a[i] === b[j] ? table[i + 1][j + 1] + 1 : Math.max(table[i + 1][j], table[i][j + 1]);
    }
  }
  return table;
}
