// A member's signing key, made and kept in this browser: Ed25519 with WebCrypto, the private
// half never extractable, kept in IndexedDB (a CryptoKey is stored as it is, by structured
// clone) under the server's address and the key's public half. Only the public half ever
// leaves the browser (raw 32 bytes, base64url). An answer is signed over exactly the bytes
// of app/signatures.py's `answer_message`, over the wording this page showed.
//
// A key made elsewhere (the Python client, the CLI, the demo: a PEM "PRIVATE KEY" file,
// PKCS#8) can be imported; it is kept non-extractable too, and used only once it is shown
// to be the key the server holds for the member (a test message signed with it verifies
// with the server's public key).

const DB_NAME = "plenary-signing";
const DB_STORE = "keys";
const ED25519 = { name: "Ed25519" };
export const MESSAGE_VERSION = "plenary.answer.v1";

// --- encodings ----------------------------------------------------------------------------

export function b64url(bytes) {
  let text = "";
  for (const byte of new Uint8Array(bytes)) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function unb64url(text) {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new Error("not base64url");
  const padded = text.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
}

export async function sha256Hex(text) {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// The exact bytes a member signs: keys inserted in sorted order, so JSON.stringify gives
// what Python's json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False) gives.
export function answerMessage({ reportId, amendmentId, round, wordingSha256, answer, reason }) {
  return new TextEncoder().encode(JSON.stringify({
    amendment_id: amendmentId,
    answer,
    reason,
    report_id: reportId,
    round,
    v: MESSAGE_VERSION,
    wording_sha256: wordingSha256,
  }));
}

// --- what this browser can do ----------------------------------------------------------------

// Null if this page can make and keep keys; else a sentence saying why not.
export function cannotSign() {
  if (!window.isSecureContext || !window.crypto || !crypto.subtle) {
    return "This page is not in a secure context (https, or http on this computer), so the browser offers no signing keys here.";
  }
  if (!window.indexedDB) return "This browser cannot keep a signing key (it offers no IndexedDB storage).";
  return null;
}

function unsupported(error) {
  if (error && error.name === "NotSupportedError") {
    return new Error("This browser cannot make Ed25519 signing keys; use a current version of Chrome, Edge, Firefox or Safari.");
  }
  return error;
}

// --- keys -------------------------------------------------------------------------------------

// A new key: { privateKey (CryptoKey, not extractable), publicKey (base64url) }.
export async function makeKey() {
  const why = cannotSign();
  if (why) throw new Error(why);
  let pair;
  try {
    pair = await crypto.subtle.generateKey(ED25519, false, ["sign", "verify"]);
  } catch (error) {
    throw unsupported(error);
  }
  const raw = await crypto.subtle.exportKey("raw", pair.publicKey);  // a public key always exports
  return { privateKey: pair.privateKey, publicKey: b64url(raw), origin: "made here" };
}

// A PEM "PRIVATE KEY" (PKCS#8) file, used only if it is the key the server holds for the
// member (`serverPublicKey`): a test message it signs must verify with that public key.
export async function importKeyFile(pem, serverPublicKey) {
  const why = cannotSign();
  if (why) throw new Error(why);
  const match = /-----BEGIN PRIVATE KEY-----([\sA-Za-z0-9+/=]+)-----END PRIVATE KEY-----/.exec(pem);
  if (!match) {
    throw new Error("This file is not a key file: it should hold a block starting with “-----BEGIN PRIVATE KEY-----” (an unencrypted PKCS#8 key, as the plenary command line writes it).");
  }
  let der;
  try {
    der = Uint8Array.from(atob(match[1].replace(/\s+/g, "")), (c) => c.charCodeAt(0));
  } catch {
    throw new Error("This key file is damaged: its contents are not valid base64.");
  }
  let privateKey;
  try {
    privateKey = await crypto.subtle.importKey("pkcs8", der, ED25519, false, ["sign"]);
  } catch (error) {
    if (error && error.name === "NotSupportedError") throw unsupported(error);
    throw new Error("This key file does not hold an Ed25519 private key.");
  }
  if (!(await matches(privateKey, serverPublicKey))) {
    throw new Error("This key file does not hold the signing key the server has for you (it may be an older key). Choose the file of your current key, or ask the chair for a new invitation.");
  }
  return { privateKey, publicKey: serverPublicKey, origin: "imported" };
}

async function matches(privateKey, publicKey) {
  const probe = crypto.getRandomValues(new Uint8Array(32));
  const signature = await crypto.subtle.sign(ED25519, privateKey, probe);
  const verifier = await crypto.subtle.importKey("raw", unb64url(publicKey), ED25519, true, ["verify"]);
  return crypto.subtle.verify(ED25519, verifier, signature, probe);
}

// --- keeping keys in IndexedDB ----------------------------------------------------------------

function openDb() {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(DB_STORE, { keyPath: "id" });
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(new Error("This browser refused to keep the signing key (its storage is blocked or full)."));
    request.onblocked = () => reject(new Error("The key store is held by another tab of this page; close it and try again."));
  });
}

async function inStore(mode, work) {
  const db = await openDb();
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(DB_STORE, mode);
      const request = work(tx.objectStore(DB_STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(new Error("This browser could not read or write its signing keys."));
      tx.onabort = tx.onerror;
    });
  } finally {
    db.close();
  }
}

const recordId = (server, publicKey) => `${server.replace(/\/+$/, "")} ${publicKey}`;

// Keep `held` for the server at `server` (its API address); participantId may be unknown yet.
export function keepKey(server, held, participantId) {
  return inStore("readwrite", (store) => store.put({
    id: recordId(server, held.publicKey),
    server: server.replace(/\/+$/, ""),
    publicKey: held.publicKey,
    participantId: participantId ?? null,
    privateKey: held.privateKey,
    origin: held.origin,
    keptAt: new Date().toISOString(),
  }));
}

// The key this browser holds for `publicKey` on that server, or null.
export async function heldKey(server, publicKey) {
  if (cannotSign() || !publicKey) return null;
  const record = await inStore("readonly", (store) => store.get(recordId(server, publicKey)));
  return record ? { privateKey: record.privateKey, publicKey: record.publicKey, origin: record.origin } : null;
}

export function forgetKey(server, publicKey) {
  return inStore("readwrite", (store) => store.delete(recordId(server, publicKey)));
}

// --- signing an answer ----------------------------------------------------------------------

// The signature (base64url) of `answer` ("consent", "stand_aside", "object", "withdraw") on
// amendment `a` as this page shows it. The wording's hash is computed here, from the text
// the member was shown, and must be the server's: otherwise nothing is signed.
export async function signAnswer(held, { reportId, amendment, answer, reason }) {
  if (!amendment.round) throw new Error(`Amendment ${amendment.id} has no consent round open to answer.`);
  const wording = await sha256Hex(amendment.proposed_text);
  if (amendment.wording_sha256 && wording !== amendment.wording_sha256) {
    throw new Error(`The wording of amendment ${amendment.id} shown here is not the one the server holds, so your answer was not signed. Reload the page and read it again.`);
  }
  const message = answerMessage({
    reportId, amendmentId: amendment.id, round: amendment.round, wordingSha256: wording, answer, reason,
  });
  return b64url(await crypto.subtle.sign(ED25519, held.privateKey, message));
}
