// The public answering page (issue 31): no account, the link's code is the credential. It
// rides in the address's fragment (`answer.html#code=...`), which the browser never sends
// when it loads the page; the page sends it to the API only, as the link's path.
//
// A link for one respondent (or a reply's own secret) opens that one reply: answered, saved
// as a draft, submitted, changed and withdrawn until the deadline. An open link (the
// website's questionnaire) makes a new reply for each respondent and shows that reply's own
// secret once; the page then continues on the reply's own link.

import { Api, ApiError } from "./api.js";
import { announce, clearProblem, h, placeNote, setOrigin, showProblem, when } from "./dom.js";
import { CATEGORIES, questionFields } from "./questionnaire-form.js";

const $ = (id) => document.getElementById(id);
const api = new Api(new URLSearchParams(location.search).get("api") || location.origin, null);
let code = "";
let form = null;
let secretShown = null;

function codeFromHash() {
  const match = location.hash.match(/code=([A-Za-z0-9_-]+)/);
  return match ? match[1] : "";
}

async function run(what, action) {
  clearProblem();
  setOrigin(document.activeElement);
  try {
    return await action();
  } catch (error) {
    const text = error instanceof ApiError ? error.message : String(error.message || error);
    showProblem(`${what} did not succeed. ${text}`);
    return undefined;
  } finally {
    placeNote();
  }
}

async function load() {
  code = codeFromHash();
  if (!code) {
    $("answer-body").replaceChildren(h("p", {}, "This page needs the link the secretariat gave you (it ends with #code=…)."));
    return;
  }
  const { data } = await api.get(`/v1/public-questionnaires/${code}`);
  form = data;
  draw();
}

function aboutYou(reply) {
  const name = h("input", { id: "a-name", type: "text", maxlength: 200, autocomplete: "name" });
  const organisation = h("input", { id: "a-organisation", type: "text", maxlength: 200, autocomplete: "organization" });
  const fixed = form.category;
  const category = h("select", { id: "a-category", required: !fixed, disabled: Boolean(fixed) },
    h("option", { value: "" }, "Choose…"), CATEGORIES.map(([v, l]) => h("option", { value: v, selected: (reply ? reply.category : fixed) === v }, l)));
  const publish = h("input", { id: "a-publish-name", type: "checkbox" });
  if (reply) {
    name.value = reply.respondent && reply.respondent !== "a respondent" ? reply.respondent : "";
    organisation.value = reply.organisation || "";
    publish.checked = reply.publish_name;
  } else {
    organisation.value = form.organisation || "";
  }
  const locked = Boolean(reply);  // who answered is said once, with the first reply
  for (const field of [name, organisation, category, publish]) if (locked) field.disabled = true;
  return {
    element: h("fieldset", { className: "card" }, h("legend", {}, "About you"),
      h("label", { for: name.id }, "Your name (optional)"), name,
      h("label", { for: organisation.id }, "Organisation (optional)"), organisation,
      h("label", { for: category.id }, "You answer as"), category,
      h("div", { className: "row choice", style: "flex-wrap:nowrap" }, publish, " ", h("label", { for: publish.id }, "Print my name with my reply once it is published (otherwise: “a respondent”)"))),
    value: () => ({
      name: name.value.trim(),
      organisation: organisation.value.trim(),
      category: category.value || null,
      publish_name: publish.checked,
    }),
  };
}

function draw() {
  const q = form.questionnaire;
  const reply = form.reply;
  const open = q.state === "open";
  document.title = `plenary: ${q.title}`;
  $("answer-title").textContent = q.title;
  const about = aboutYou(reply);
  const fields = questionFields(q.questions, reply ? reply.answers : {}, "public");
  const status = reply
    ? { draft: `Your draft was saved ${when(reply.updated_at)}; it is not submitted yet.`,
      submitted: `Your reply was submitted ${when(reply.submitted_at)}; ${reply.moderation === "published" ? "it is published." : reply.moderation === "rejected" ? "the secretariat did not publish it." : "the secretariat reads it before it is published."}`,
      withdrawn: `You withdrew your reply ${when(reply.withdrawn_at)}.` }[reply.status]
    : "You have not replied yet.";
  const send = (submit) => run(submit ? "Submitting your reply" : "Saving your draft", async () => {
    const answers = fields.collect();
    if (reply) {
      await api.call("PUT", `/v1/public-questionnaires/${code}/reply`, { body: { answers, submit } });
    } else {
      const body = { ...about.value(), answers, submit };
      if (form.open) {
        const { data } = await api.post(`/v1/public-questionnaires/${code}/replies`, body);
        secretShown = new URL(data.page, location.href).href;
        code = data.secret;
        history.replaceState(null, "", `#code=${code}`);
      } else {
        if (form.category) delete body.category;
        await api.post(`/v1/public-questionnaires/${code}/reply`, body);
      }
    }
    ({ data: form } = await api.get(`/v1/public-questionnaires/${code}`));
    draw();
    announce(submit ? "Your reply was submitted. You may change it until the deadline." : "Your draft was saved.");
  });
  const withdraw = () => run("Withdrawing your reply", async () => {
    await api.post(`/v1/public-questionnaires/${code}/reply/withdraw`);
    ({ data: form } = await api.get(`/v1/public-questionnaires/${code}`));
    draw();
    announce("Your reply was withdrawn.");
  });
  const submitted = reply && reply.status === "submitted";
  $("answer-body").replaceChildren(
    h("p", { className: "chapeau" }, q.chapeau),
    h("p", { id: "answer-deadline" }, open ? `Replies are open until ${when(q.deadline)}.` : `Replies closed on ${when(q.deadline)}.`),
    secretShown ? h("div", { id: "answer-secret", className: "notice", tabindex: "-1" },
      h("p", {}, "Keep this link to change or withdraw your reply until the deadline. It is shown only once:"),
      h("p", {}, h("a", { id: "answer-secret-link", href: secretShown }, secretShown))) : null,
    h("p", { id: "answer-status" }, status),
    h("form", { id: "answer-form", onsubmit: (event) => { event.preventDefault(); send(true); } },
      h("fieldset", { disabled: !open, className: "answers" }, h("legend", { className: "visually-hidden" }, "Your reply"),
        about.element, fields.fields),
      open ? h("div", { className: "actions" },
        submitted ? null : h("button", { type: "button", className: "quiet", onclick: () => send(false) }, "Save as a draft"),
        h("button", { type: "submit" }, submitted ? "Submit the changes" : "Submit my reply"),
        submitted ? h("button", { type: "button", className: "danger", onclick: withdraw }, "Withdraw my reply") : null) : null));
  if (secretShown) $("answer-secret").focus();
  document.body.dataset.ready = "yes";
}

window.addEventListener("hashchange", () => {
  if (codeFromHash() !== code) {
    secretShown = null;
    run("Opening the questionnaire", load);
  }
});
run("Opening the questionnaire", load).finally(() => { document.body.dataset.booted = "yes"; });
