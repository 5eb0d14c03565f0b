// Where a change is: only the paragraphs a change touches, each with its number (never the
// whole section in a scroll box), a space between a deleted and an inserted word, the
// paragraphs an amendment touches (for the margin markers and the floor's highlight), and
// the part of a wording a typist edits (the changed paragraphs, not the whole section).

import { blocks, commonRuns, h } from "./dom.js";

const BREAK = /\n[ \t]*\n/;

// The server's diff ops ({op, text}: the whole section) cut at paragraph breaks. Each piece
// keeps its ops; `before` and `after` are its text on each side.
function piecesOf(ops) {
  const pieces = [];
  let current = { ops: [], before: "", after: "", changed: false };
  const close = () => {
    pieces.push(current);
    current = { ops: [], before: "", after: "", changed: false };
  };
  for (const { op, text } of ops) {
    const parts = text.split(/(\n[ \t]*\n)/);
    parts.forEach((part, index) => {
      if (index % 2 === 1) {
        // A paragraph break: inserted or deleted, it joins or parts paragraphs (a change).
        if (op !== "equal") current.changed = true;
        close();
        if (op !== "equal") current.changed = true;
        return;
      }
      if (!part) return;
      current.ops.push({ op, text: part });
      if (op !== "insert") current.before += part;
      if (op !== "delete") current.after += part;
      if (op !== "equal") current.changed = true;
    });
  }
  close();
  return pieces.filter((p) => p.ops.length || p.changed);
}

const isHeading = (text) => /^#{1,6}\s/.test(text.trim());

// Each piece with the number its paragraph has in the text before the change (null for a
// heading line or a new paragraph) and the number it follows (for a new paragraph).
function numbered(pieces, first) {
  let next = first;
  return pieces.map((piece) => {
    const before = piece.before.trim();
    let number = null;
    if (before && !isHeading(before)) {
      number = next;
      next += 1;
    }
    return { ...piece, number, after: piece.after, follows: next - 1 };
  });
}

function describe(piece, first) {
  const after = piece.after.trim();
  if (piece.number === null && !piece.before.trim()) {
    return piece.follows >= first ? `New paragraph after paragraph ${piece.follows}` : `New paragraph before paragraph ${first}`;
  }
  if (piece.number === null) return "Heading";
  if (!after) return `Paragraph ${piece.number} (deleted)`;
  return `Paragraph ${piece.number}`;
}

// Tracked changes, paragraph by paragraph: only the changed ones, numbered as the reader
// sees them in the text. `ops` are the server's (sketch, preview, version diff).
export function paragraphChanges(ops, first, label) {
  const pieces = numbered(piecesOf(ops || []), first).filter((p) => p.changed);
  const box = h("div", { className: "changes", role: "group", "aria-label": label });
  if (!pieces.length) {
    box.append(h("p", { className: "muted" }, "No change of wording."));
    return box;
  }
  for (const piece of pieces) {
    const title = describe(piece, first);
    const body = h("p", { className: "tracked" });
    piece.ops.forEach(({ op, text }, index) => {
      if (op === "equal") body.append(text);
      else body.append(h(op === "insert" ? "ins" : "del", {}, text));
      const following = piece.ops[index + 1];
      if (op === "delete" && following && following.op === "insert") body.append(gap());
    });
    box.append(h("div", { className: "change", dataset: { paragraph: piece.number ?? "" } },
      h("p", { className: "change-where" }, `${title}:`), body));
  }
  return box;
}

// The numbers (in the text before) of the paragraphs the ops touch; a new paragraph marks
// the one it follows.
export function touchedByOps(ops, first) {
  const found = new Set();
  for (const piece of numbered(piecesOf(ops || []), first)) {
    if (!piece.changed) continue;
    if (piece.number !== null) found.add(piece.number);
    else if (piece.follows >= first) found.add(piece.follows);
    else found.add(first);
  }
  return [...found];
}

// A visible space between a deleted and an inserted word ("organizing organising"), which
// is also read out and copied as one.
export function gap() {
  return h("span", { className: "gap" }, " ");
}

// Server HTML (tracked changes of a whole text, <ins>/<del>/<br> only) with the same gap.
export function spaceOut(box) {
  for (const del of [...box.querySelectorAll("del")]) {
    const next = del.nextSibling;
    if (next && next.nodeName === "INS") del.after(gap());
  }
  return box;
}

// The paragraph blocks of two texts, the table aligning them (whole paragraphs compared: a
// longest common subsequence, cheap for hundreds of paragraphs) and each block of `before`'s
// paragraph number (null for a heading).
function alignedBlocks(before, after, first) {
  const a = blocks(before);
  const b = blocks(after);
  const table = commonRuns(a.map((block) => block.text), b.map((block) => block.text));
  const numbers = [];
  let number = first;
  for (const block of a) {
    numbers.push(block.numbered ? number : null);
    if (block.numbered) number += 1;
  }
  return { a, b, table, numbers };
}

// Paragraph blocks of two texts, aligned: the indexes (in `after`) of the first and last
// block that differ from `before`, and the numbers (in `before`) of the paragraphs changed.
export function alignParagraphs(before, after, first = 1) {
  const { a, b, table, numbers } = alignedBlocks(before, after, first);
  const touched = new Set();
  const changedAfter = [];
  // Runs between matching paragraphs: the ones gone (numbered in `before`) and the ones new.
  let gone = [];
  let added = [];
  const flush = (i) => {
    if (gone.length) for (const k of gone) { if (numbers[k] !== null) touched.add(numbers[k]); }
    if (added.length && !gone.some((k) => numbers[k] !== null)) {
      // Only new paragraphs: mark the one they follow (or the first).
      let follows = first;
      for (let k = i - 1; k >= 0; k -= 1) if (numbers[k] !== null) { follows = numbers[k]; break; }
      touched.add(follows);
    }
    changedAfter.push(...added);
    gone = [];
    added = [];
  };
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i].text === b[j].text) {
      flush(i - gone.length);
      i += 1;
      j += 1;
    } else if (j < b.length && (i === a.length || table[i][j + 1] >= table[i + 1][j])) {
      added.push(j);
      j += 1;
    } else {
      gone.push(i);
      i += 1;
    }
  }
  flush(i - gone.length);
  return { touched: [...touched].sort((x, y) => x - y), changedAfter, blocksAfter: b };
}

// The part of `after` a person edits: from the first to the last paragraph that differs
// from `before` (the whole text when they differ nowhere, or everywhere).
export function editableSpan(before, after) {
  const { changedAfter, blocksAfter } = alignParagraphs(before, after);
  if (!changedAfter.length) return { start: 0, end: after.length, whole: true };
  const firstBlock = blocksAfter[changedAfter[0]];
  const lastBlock = blocksAfter[changedAfter[changedAfter.length - 1]];
  const whole = changedAfter.length === blocksAfter.length;
  return { start: firstBlock.start, end: lastBlock.end, whole, first: changedAfter[0], last: changedAfter[changedAfter.length - 1] };
}

// The paragraph numbers an amendment names in its instruction ("In paragraph 12, ...",
// "After paragraph 3, insert ..."): for an amendment on an older version.
export function paragraphsNamed(instruction) {
  const found = new Set();
  for (const match of String(instruction || "").matchAll(/paragraphs? (\d+)(?:\s*(?:–|-|to)\s*(\d+))?/g)) {
    const from = Number(match[1]);
    const to = match[2] ? Number(match[2]) : from;
    for (let n = from; n <= Math.min(to, from + 50); n += 1) found.add(n);
  }
  return [...found];
}

// --- deadlines, as dates with a countdown ---------------------------------------------------

function moment(text) {
  if (!text) return null;
  const utc = /(Z|[+-]\d\d:?\d\d)$/.test(text) ? text : `${text}Z`;
  const value = new Date(utc);
  return Number.isNaN(value.getTime()) ? null : value;
}

export function countdownText(target, now = new Date()) {
  let left = Math.round((target.getTime() - now.getTime()) / 60000);
  if (left <= 0) return "passed";
  const days = Math.floor(left / 1440);
  left -= days * 1440;
  const hours = Math.floor(left / 60);
  const minutes = left - hours * 60;
  const parts = [];
  if (days) parts.push(`${days} day${days === 1 ? "" : "s"}`);
  if (hours) parts.push(`${hours} hour${hours === 1 ? "" : "s"}`);
  if (!days && minutes) parts.push(`${minutes} minute${minutes === 1 ? "" : "s"}`);
  return `in ${parts.join(" ") || "less than a minute"}`;
}

// "on 3 June 2025, 14:00 (in 2 days 3 hours)": the countdown is kept current every 30 s.
export function deadline(text) {
  const target = moment(text);
  if (!target) return h("span", {}, String(text || ""));
  const label = target.toLocaleString(undefined, { dateStyle: "long", timeStyle: "short" });
  return h("span", {}, h("time", { datetime: target.toISOString() }, label), " (",
    h("span", { className: "countdown", dataset: { deadline: target.toISOString() } }, countdownText(target)), ")");
}

setInterval(() => {
  for (const element of document.querySelectorAll("[data-deadline]")) {
    element.textContent = countdownText(new Date(element.dataset.deadline));
  }
}, 30_000);

// --- an amendment's wording at its place in the text (the inline suggestions) -------------

// The runs of paragraphs an amendment changes, against the text as it is: for each run, the
// numbers of the paragraphs it replaces (in `before`), their texts, and the texts that take
// their place; a run of new paragraphs only names the paragraph it follows (`after`, or
// `first - 1` when it comes first). Headings (unnumbered blocks) count as text, unnumbered.
export function paragraphRuns(before, after, first = 1) {
  const { a, b, table, numbers } = alignedBlocks(before, after, first);
  const runs = [];
  let gone = [];
  let added = [];
  const flush = (i) => {
    if (gone.length || added.length) {
      let follows = first - 1;
      for (let k = i - gone.length - 1; k >= 0; k -= 1) if (numbers[k] !== null) { follows = numbers[k]; break; }
      runs.push({
        numbers: gone.map((k) => numbers[k]).filter((n) => n !== null),
        before: gone.map((k) => a[k].text),
        after: added.map((k) => b[k].text),
        follows,
      });
    }
    gone = [];
    added = [];
  };
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i].text === b[j].text) {
      flush(i);
      i += 1;
      j += 1;
    } else if (j < b.length && (i === a.length || table[i][j + 1] >= table[i + 1][j])) {
      added.push(j);
      j += 1;
    } else {
      gone.push(i);
      i += 1;
    }
  }
  flush(i);
  return runs;
}

// Word-level tracked change of one wording against another, in an inline element: deleted
// words struck, inserted words underlined, and a space between a deleted and an inserted
// word (never glued). Paragraph breaks inside a run stay visible as line breaks.
export function inlineChange(before, after) {
  const a = before.match(/\s+|[^\s]+/g) || [];
  const b = after.match(/\s+|[^\s]+/g) || [];
  const out = [];
  const push = (op, text) => {
    const last = out[out.length - 1];
    if (last && last.op === op) last.text += text;
    else out.push({ op, text });
  };
  if (a.length * b.length > 1_000_000) {
    push("delete", before);
    push("insert", after);
  } else {
    const table = commonRuns(a, b);
    let i = 0;
    let j = 0;
    while (i < a.length || j < b.length) {
      if (i < a.length && j < b.length && a[i] === b[j]) {
        push("equal", a[i]);
        i += 1;
        j += 1;
      } else if (i < a.length && (j === b.length || table[i + 1][j] >= table[i][j + 1])) {
        push("delete", a[i]);
        i += 1;
      } else {
        push("insert", b[j]);
        j += 1;
      }
    }
  }
  // Changes parted only by a space read as one ("all stakeholders" -> "every stakeholder"):
  // all its deleted words, then all its inserted ones, with a space between the two.
  const nodes = [];
  let del = "";
  let ins = "";
  const flush = () => {
    if (del) nodes.push(h("del", {}, del));
    if (del && ins) nodes.push(gap());
    if (ins) nodes.push(h("ins", {}, ins));
    del = "";
    ins = "";
  };
  out.forEach(({ op, text }, index) => {
    const following = out[index + 1];
    if (op === "delete") del += text;
    else if (op === "insert") ins += text;
    else if ((del || ins) && /^[ \t]+$/.test(text) && following && following.op !== "equal") {
      if (del || following.op === "delete") del += text;
      if (ins || following.op === "insert") ins += text;
    } else {
      flush();
      nodes.push(text);
    }
  });
  flush();
  return nodes;
}
