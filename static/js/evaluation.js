// The evaluation page: drafts save themselves as the coach answers, comments are pinned to the
// player's current moment, and clicking a pinned comment moves the player there.
// No framework, no inline script (CSP).

const AUTOSAVE_DELAY_MS = 800;

const root = document.querySelector("[data-evaluation]");
const form = root && root.querySelector("[data-evaluation-form]");
const status = root && root.querySelector("[data-autosave-status]");
const player = root && root.querySelector("[data-player]");
const audio = player && player.querySelector("[data-audio]");
const csrf = form && form.querySelector("input[name=csrfmiddlewaretoken]").value;

let timer = null;
let saving = Promise.resolve();

async function autosave() {
  const body = new FormData(form);
  const response = await fetch(form.action, {
    method: "POST",
    body,
    credentials: "same-origin",
    headers: { "X-Autosave": "1", "X-CSRFToken": csrf },
  });
  const data = await response.json().catch(() => ({}));
  status.textContent = response.ok
    ? `${status.dataset.savedLabel || "Saved"} ${data.saved_at}`
    : data.error || status.dataset.failedLabel || "Not saved";
  status.classList.toggle("refusal", !response.ok);
}

function scheduleSave() {
  clearTimeout(timer);
  timer = setTimeout(() => {
    saving = saving.then(autosave).catch(() => {
      status.textContent = status.dataset.failedLabel || "Not saved";
      status.classList.add("refusal");
    });
  }, AUTOSAVE_DELAY_MS);
}

function seekTo(seconds) {
  if (player) player.dispatchEvent(new CustomEvent("player:seek", { detail: { seconds } }));
}

function addComment(second, text) {
  const item = document.createElement("li");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "link-like";
  button.dataset.seekTo = String(second);
  // In the page's language, as the server writes the comments already pinned ("1,8 s" in Dutch).
  const shown = second.toLocaleString(document.documentElement.lang || "nl", {
    minimumFractionDigits: 1,
    maximumFractionDigits: 1,
  });
  button.textContent = `${shown} s`;
  item.append(button, ` ${text}`);
  const list = root.querySelector("[data-comments]");
  const later = [...list.children].find(
    (li) => Number(li.querySelector("[data-seek-to]").dataset.seekTo) > second,
  );
  list.insertBefore(item, later || null);
}

async function pinComment() {
  const input = root.querySelector("[data-comment-text]");
  const errorBox = root.querySelector("[data-comment-error]");
  const second = audio ? audio.currentTime || 0 : 0;
  const body = new FormData();
  body.append("second", String(second));
  body.append("text", input.value);
  const response = await fetch(root.dataset.commentUrl, {
    method: "POST",
    body,
    credentials: "same-origin",
    headers: { "X-CSRFToken": csrf },
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    errorBox.textContent = data.error || "";
    errorBox.hidden = false;
    return;
  }
  errorBox.hidden = true;
  input.value = "";
  addComment(data.second, data.text);
}

if (root) {
  root.addEventListener("click", (event) => {
    const target = event.target.closest("[data-seek-to]");
    if (target) seekTo(Number(target.dataset.seekTo));
  });
  const pin = root.querySelector("[data-comment-add]");
  if (pin) pin.addEventListener("click", pinComment);
  if (form && status) {
    form.addEventListener("change", scheduleSave);
    form.addEventListener("input", (event) => {
      if (event.target.tagName === "TEXTAREA") scheduleSave();
    });
  }
}
