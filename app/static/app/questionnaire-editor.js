// A questionnaire's questions as the secretariat writes them (issue 34): one fieldset a
// question (its kind, wording, whether required, and its options, scale or length), in a
// list the secretariat adds to, removes from and reorders with "Move up" / "Move down"
// buttons. Used by the creation form and by "Edit the questions" of a questionnaire.
//
// Editing follows the API's rule: until the first reply is submitted, the whole list is
// replaced in its new order (PUT /v1/questionnaires/{id}/questions, `id` keeping a question);
// after that, only a question's wording takes a small fix (POST /v1/questions/{id}/wording,
// with its reason), so that the answers keep their meaning. The form says which applies, and
// a refusal's sentence stays beside it.

import { announce, h } from "./dom.js";

export const KINDS = [["single", "One choice"], ["multiple", "Several choices"], ["scale", "A scale"], ["ranking", "A ranking"], ["text", "Free text"]];
const CHOICE = ["single", "multiple", "ranking"];

let serial = 0;  // ids stay unique however questions are added and removed

// One question's fields, filled from `initial` (a question as the API reads it) if given.
export function questionEditor(initial, { prefix = "q-new", key } = {}) {
  const n = key === undefined ? serial++ : key;
  const id = `${prefix}-${n}`;
  const kind = h("select", { id: `${id}-kind`, dataset: { key: `${id}-kind` } }, KINDS.map(([value, label]) => h("option", { value }, label)));
  const prompt = h("input", { id: `${id}-prompt`, type: "text", dataset: { key: `${id}-prompt` } });
  const required = h("input", { id: `${id}-required`, type: "checkbox" });
  const options = h("textarea", { id: `${id}-options`, rows: 3, "aria-describedby": `${id}-options-hint` });
  const low = h("input", { id: `${id}-min`, type: "number", value: "1" });
  const high = h("input", { id: `${id}-max`, type: "number", value: "5" });
  const limit = h("input", { id: `${id}-chars`, type: "number", min: 1, max: 20000, value: "1000" });
  if (initial) {
    kind.value = initial.kind;
    prompt.value = initial.prompt;
    required.checked = initial.required;
    options.value = (initial.options || []).join("\n");
    if (initial.scale_min !== null && initial.scale_min !== undefined) low.value = String(initial.scale_min);
    if (initial.scale_max !== null && initial.scale_max !== undefined) high.value = String(initial.scale_max);
    limit.value = initial.max_chars ? String(initial.max_chars) : "";
  }
  const choiceBox = h("div", {}, h("label", { for: options.id }, "Options"), options, h("p", { className: "muted", id: `${id}-options-hint` }, "One option a line."));
  const scaleBox = h("div", { className: "row" }, h("label", { for: low.id }, "From"), low, h("label", { for: high.id }, "to"), high);
  const textBox = h("div", {}, h("label", { for: limit.id }, "Longest answer (characters)"), limit);
  const show = () => {
    choiceBox.hidden = !CHOICE.includes(kind.value);
    scaleBox.hidden = kind.value !== "scale";
    textBox.hidden = kind.value !== "text";
  };
  kind.addEventListener("change", show);
  show();
  const legend = h("legend", {});
  const controls = h("div", { className: "actions" });
  const element = h("fieldset", { className: "card question-editor", dataset: { question: initial ? String(initial.id) : "" } },
    legend,
    h("label", { for: kind.id }, "Kind"), kind,
    h("label", { for: prompt.id }, "Question"), prompt,
    h("div", { className: "row choice", style: "flex-wrap:nowrap" }, required, " ", h("label", { for: required.id }, "Required")),
    choiceBox, scaleBox, textBox, controls);
  const value = () => {
    const out = { kind: kind.value, prompt: prompt.value.trim(), required: required.checked };
    if (initial) out.id = initial.id;
    if (!choiceBox.hidden) out.options = options.value.split("\n").map((line) => line.trim()).filter(Boolean);
    if (!scaleBox.hidden) Object.assign(out, { scale_min: Number(low.value), scale_max: Number(high.value) });
    if (!textBox.hidden && limit.value) out.max_chars = Number(limit.value);
    return out;
  };
  return { element, value, legend, controls, id, prompt, label: () => prompt.value.trim() || "(no wording yet)" };
}

// An ordered list of question editors: add, remove, move up and down. The focus stays on the
// button used (or its neighbour at either end), and the new place is announced.
export function questionList(initial, { prefix = "q-new", onChange = () => {} } = {}) {
  const editors = [];
  const holder = h("ol", { className: "question-list", id: `${prefix}-list` });
  const redraw = () => {
    holder.replaceChildren(...editors.map((editor, index) => {
      editor.legend.textContent = `Question ${index + 1}`;
      const name = h("span", { className: "visually-hidden" }, ` question ${index + 1}`);
      editor.controls.replaceChildren(
        h("button", { type: "button", className: "quiet", disabled: index === 0, dataset: { key: `${editor.id}-up` }, onclick: () => move(editor, -1) }, "Move up", name.cloneNode(true)),
        h("button", { type: "button", className: "quiet", disabled: index === editors.length - 1, dataset: { key: `${editor.id}-down` }, onclick: () => move(editor, 1) }, "Move down", name.cloneNode(true)),
        h("button", { type: "button", className: "quiet", disabled: editors.length === 1, dataset: { key: `${editor.id}-remove` }, onclick: () => remove(editor) }, `Remove question ${index + 1}`));
      return h("li", {}, editor.element);
    }));
    onChange();
  };
  const move = (editor, step) => {
    const from = editors.indexOf(editor);
    const to = from + step;
    if (to < 0 || to >= editors.length) return;
    editors.splice(from, 1);
    editors.splice(to, 0, editor);
    redraw();
    const same = holder.querySelector(`[data-key="${CSS.escape(`${editor.id}-${step < 0 ? "up" : "down"}`)}"]`);
    const other = holder.querySelector(`[data-key="${CSS.escape(`${editor.id}-${step < 0 ? "down" : "up"}`)}"]`);
    (same && !same.disabled ? same : other).focus();
    announce(`“${editor.label()}” is now question ${to + 1} of ${editors.length}.`);
  };
  const remove = (editor) => {
    const at = editors.indexOf(editor);
    editors.splice(at, 1);
    redraw();
    const next = editors[Math.min(at, editors.length - 1)];
    if (next) next.prompt.focus();
    announce(`“${editor.label()}” was removed; ${editors.length} question(s) left. Nothing is saved until you save the questions.`);
  };
  const add = (question) => {
    const editor = questionEditor(question, { prefix });
    editors.push(editor);
    redraw();
    return editor;
  };
  for (const question of initial) add(question);
  return {
    element: holder,
    add,
    values: () => editors.map((e) => e.value()),
  };
}

// "Edit the questions" of a questionnaire (the chair and the secretariat). `submitted`: how
// many replies are submitted as far as this reader knows; `done(q)` redraws with the answer.
export function questionsEditor(ctx, q, { submitted, refusal, done }) {
  const box = h("details", { id: "q-edit", className: "card", open: Boolean(refusal) },
    h("summary", { dataset: { key: "q-edit-open" } }, submitted ? "Correct a question's wording" : "Edit the questions"));
  const why = refusal
    ? h("p", { id: "q-edit-refused", className: "edit-refused", role: "note" }, refusal)
    : null;
  if (submitted || refusal) {
    box.append(
      h("p", { id: "q-edit-rule" }, submitted
        ? `${submitted} repl${submitted === 1 ? "y has" : "ies have"} been submitted: the questions can no longer be added, removed, reordered or changed, so that the answers keep their meaning. A small fix of a question's wording (a typo) is still possible, with its reason on the record.`
        : "Replies have been submitted: only a small fix of a question's wording remains possible."),
      why,
      ...q.questions.map((question) => wordingForm(ctx, q, question, done)));
    return box;
  }
  const list = questionList(q.questions, { prefix: `q-edit-${q.id}` });
  const save = (event) => {
    event.preventDefault();
    ctx.run("Saving the questions", async () => {
      try {
        const { data } = await ctx.api.call("PUT", `/v1/questionnaires/${q.id}/questions`, { body: { questions: list.values() } });
        announce(`The questions of “${data.title}” are saved: ${data.questions.length} question(s).`);
        await done(data, null);
      } catch (error) {
        // Replies came in meanwhile: the form turns into the wording fix, and says why.
        if (error.status === 409 && error.problem && String(error.problem.type || "").endsWith(":questionnaire-answered")) {
          await done(null, error.problem.detail || error.message);
        }
        throw error;
      }
    });
  };
  box.append(h("form", { id: "q-edit-form", onsubmit: save },
    h("p", { className: "muted" }, "Until the first reply is submitted, the questions may be added, removed, reordered and changed; drafts already saved keep the answers to questions that stay."),
    list.element,
    h("div", { className: "actions" },
      h("button", { type: "button", className: "quiet", dataset: { key: "q-edit-add" }, onclick: () => {
        const editor = list.add(null);
        editor.element.querySelector("select").focus();
        announce("A new question was added at the end.");
      } }, "Add a question"),
      h("button", { type: "submit", dataset: { key: "q-edit-save" } }, "Save the questions"))));
  return box;
}

function wordingForm(ctx, q, question, done) {
  const id = `q-fix-${question.id}`;
  const prompt = h("input", { id: `${id}-prompt`, type: "text", dataset: { key: `${id}-prompt` } });
  prompt.value = question.prompt;
  const note = h("input", { id: `${id}-note`, type: "text", dataset: { key: `${id}-note` } });
  return h("form", { className: "wording-fix", "aria-labelledby": `${id}-title`, onsubmit: (event) => {
    event.preventDefault();
    ctx.run(`Correcting question ${question.number}`, async () => {
      if (!note.value.trim()) throw new Error("Say what was wrong with the wording: the reason goes on the record.");
      const { data } = await ctx.api.post(`/v1/questions/${question.id}/wording`, { prompt: prompt.value.trim(), note: note.value.trim() });
      announce(`Question ${question.number} now reads: “${prompt.value.trim()}”.`);
      await done(data, null);
    });
  } },
  h("h5", { id: `${id}-title` }, `Question ${question.number}`),
  question.answered_prompt ? h("p", { className: "muted" }, `The replies answered: “${question.answered_prompt}”`) : null,
  h("label", { for: prompt.id }, `Wording of question ${question.number}`), prompt,
  h("label", { for: note.id }, "What was wrong (recorded with the fix)"), note,
  h("div", { className: "actions" }, h("button", { type: "submit", dataset: { key: `${id}-send` } }, `Correct question ${question.number}`)));
}
