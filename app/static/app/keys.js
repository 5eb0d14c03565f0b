// The member's signing key as the page sees it: made here at sign-in when the server has
// none for the member, found in this browser when it holds the one the server has, or a
// persistent message when it does not (import the key file, or ask the chair for a new
// invitation: the replacement is on the record). Replaced keys are shown to every member
// who may read the group's keys, named; a replacement of the member's own key that this
// browser does not hold is a loud warning. Observers, the secretariat and the site admin
// answer no round, so they are never asked for a key.

import { announce, h, when } from "./dom.js";
import * as signing from "./signing.js";

const KEY_READERS = ["chair", "member", "secretariat"];

// A key for an invitation about to be redeemed, kept in this browser before the server
// registers it (so the server never holds a key this browser lost). Null if this browser
// cannot make one: the code is then redeemed without a key, and the page says why.
export async function keyForRedeem(base) {
  try {
    const held = await signing.makeKey();
    await signing.keepKey(base, held, null);
    return held;
  } catch (error) {
    return { failed: error.message || String(error) };
  }
}

// After sign-in (`me` is GET /v1/me): ctx.signer is the key this browser signs with, or null.
export async function setUpSigning(ctx, me, made) {
  ctx.signer = null;
  ctx.keyWarning = null;
  ctx.keyTrouble = made && made.failed ? made.failed : null;
  ctx.serverKey = me.signing_key || null;
  const voter = ctx.can.vote();
  const server = ctx.api.base;
  try {
    if (ctx.serverKey) {
      ctx.signer = await signing.heldKey(server, ctx.serverKey.public_key);
      if (!ctx.signer && voter) ctx.keyWarning = ctx.serverKey.origin === "replaced" ? "replaced" : "not-held";
    } else if (voter) {
      const held = await signing.makeKey();
      await signing.keepKey(server, held, ctx.me.id);
      try {
        const { data } = await ctx.api.call("PUT", "/v1/me/signing-key", { body: { public_key: held.publicKey } });
        ctx.serverKey = data;
        ctx.signer = held;
      } catch (error) {
        await signing.forgetKey(server, held.publicKey).catch(() => {});
        // The server answered GET /v1/me a moment ago: a PUT that never arrives was blocked.
        if (error.status === 0) throw new Error("This browser could not register its signing key with the server: the request was blocked (the server may not accept it from this page's address).");
        throw error;
      }
    }
  } catch (error) {
    if (voter) {
      ctx.keyWarning = "unavailable";
      ctx.keyTrouble = error.message || String(error);
    }
  }
  if (voter && !ctx.signer && !ctx.keyWarning) ctx.keyWarning = "unavailable";
  await loadKeyChanges(ctx);
  renderKeyState(ctx);
}

// Every replaced key of the group (members, chair and secretariat may read the keys).
export async function loadKeyChanges(ctx) {
  ctx.keyChanges = [];
  if (!KEY_READERS.includes(ctx.role)) return;
  try {
    const { data } = await ctx.api.get(`/v1/groups/${ctx.groupId}/signing-keys?limit=500`);
    ctx.keyChanges = (data.items || []).filter((key) => key.origin === "replaced");
  } catch {
    // A server or role without the list: the live events still say it.
  }
}

// A `key.registered` event, live.
export async function onKeyEvent(ctx, event) {
  const payload = event.payload || {};
  const mine = event.actor_id !== null && event.actor_id === ctx.me.id;
  // The event of a key this browser made can arrive before the answer that registered it:
  // a key kept here is held, whichever came first.
  const kept = mine && !(ctx.signer && ctx.signer.publicKey === payload.public_key)
    ? await signing.heldKey(ctx.api.base, payload.public_key).catch(() => null)
    : null;
  if (kept) {
    ctx.signer = kept;
    ctx.serverKey = { public_key: payload.public_key, origin: payload.origin };
    ctx.keyWarning = null;
  } else if (mine && !(ctx.signer && ctx.signer.publicKey === payload.public_key)) {
    // The server now holds a key for me that this browser does not: answers from here fail.
    ctx.signer = null;
    ctx.serverKey = { public_key: payload.public_key, origin: payload.origin };
    if (ctx.can.vote() || payload.origin === "replaced") {
      ctx.keyWarning = payload.origin === "replaced" ? "replaced" : "not-held";
    }
  }
  if (payload.origin === "replaced" && KEY_READERS.includes(ctx.role)) {
    if (event.actor_id !== null && !ctx.names.has(event.actor_id) && ctx.loadNames) await ctx.loadNames();
    announce(mine
      ? "Your signing key was replaced through a new invitation."
      : `The signing key of ${ctx.nameOf(event.actor_id)} was replaced through a new invitation.`);
  }
  await loadKeyChanges(ctx);
  renderKeyState(ctx);
}

// The persistent messages about signing keys, at the top of the workspace.
export function renderKeyState(ctx) {
  const box = document.getElementById("key-state");
  const parts = [];
  const warning = ctx.keyWarning;
  if (warning === "replaced") {
    parts.push(h("div", { className: "alarm", role: "alert" },
      h("p", {}, h("strong", {}, "Your signing key was replaced through a new invitation. If this was not you, tell the chair and the group.")),
      h("p", {}, "This browser does not hold the new key, so your answers cannot be signed here. Import the key file of your new key, or ask the chair for a new invitation.")));
  } else if (warning === "not-held") {
    parts.push(h("div", { className: "warning" },
      h("p", {}, h("strong", {}, "This browser does not hold your signing key."),
        " Your answers in consent rounds are signed with it, so you cannot answer from here yet."),
      h("p", {}, "Import your key file below, or ask the chair for a new invitation: redeeming it here makes a new key, and the replacement is on the record for every member to see.")));
  } else if (warning === "unavailable") {
    parts.push(h("div", { className: "warning" },
      h("p", {}, h("strong", {}, "Your answers cannot be signed in this browser."),
        ` ${ctx.keyTrouble || "It could not make or keep a signing key."}`),
      h("p", {}, "You can read and propose here; to answer consent rounds, sign in from a browser that can keep a signing key (ask the chair for a new invitation), or use the plenary command line.")));
  }
  if ((warning === "replaced" || warning === "not-held") && ctx.serverKey) parts.push(importForm(ctx));
  if (ctx.keyChanges && ctx.keyChanges.length) {
    parts.push(h("div", { className: "key-changes" },
      h("h3", {}, "Signing keys replaced through a new invitation"),
      h("p", { className: "muted" }, "Each was registered without the participant's previous key: a lost device looks like this, and so would someone else redeeming a code meant for them."),
      h("ul", {}, ctx.keyChanges.map((key) => h("li", {},
        key.participant_id === ctx.me.id
          ? `Your signing key was replaced on ${when(key.created_at)}${ctx.signer && ctx.signer.publicKey === key.public_key ? " (this browser holds it)" : ""}.`
          : `The signing key of ${ctx.nameOf(key.participant_id)} was replaced on ${when(key.created_at)}.`)))));
  }
  box.replaceChildren(h("h2", { id: "key-state-title" }, "Signing keys"), ...parts);
  box.hidden = parts.length === 0;
  document.body.dataset.signing = ctx.signer ? "ready" : (warning || "none");
}

function importForm(ctx) {
  const file = h("input", { id: "key-file", type: "file", accept: ".pem,.key,application/x-pem-file,text/plain" });
  const form = h("form", { className: "row", onsubmit: (event) => {
    event.preventDefault();
    ctx.run("Importing the key file", async () => {
      if (!file.files || !file.files[0]) throw new Error("Choose your key file first.");
      const held = await signing.importKeyFile(await file.files[0].text(), ctx.serverKey.public_key);
      await signing.keepKey(ctx.api.base, held, ctx.me.id);
      ctx.signer = held;
      ctx.keyWarning = null;
      renderKeyState(ctx);
      announce("This browser now holds your signing key: your answers are signed with it.");
      await ctx.refresh();
    });
  } },
  h("label", { for: "key-file" }, "Your key file (PEM, “PRIVATE KEY”)"), file,
  h("button", { type: "submit" }, "Use this key file"));
  return form;
}

// The signature of an answer, or a sentence saying why this browser cannot sign it.
export async function signFor(ctx, amendment, answer, reason) {
  if (!ctx.signer) {
    throw new Error(ctx.keyWarning === "unavailable"
      ? `Your answer needs your signature, and this browser cannot sign: ${ctx.keyTrouble || "it holds no signing key"}`
      : "Your answer needs your signature, and this browser does not hold your signing key: import your key file (see “Signing keys” at the top), or ask the chair for a new invitation.");
  }
  return signing.signAnswer(ctx.signer, { reportId: ctx.report.id, amendment, answer, reason });
}
