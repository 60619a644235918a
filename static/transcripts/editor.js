// The transcript page: the start of a new utterance comes from the player's current time, an
// utterance is added in the background (the audio keeps playing), and selecting text in an
// utterance fills in the redaction form. Without this script every form still works.
// No framework, no inline script (CSP).

const root = document.querySelector("[data-transcript]");
const audio = document.querySelector("[data-player] [data-audio]");
const addForm = document.querySelector("[data-add-utterance]");

function formatTime(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) seconds = 0;
  const tenths = Math.round(seconds * 10);
  const whole = Math.floor(tenths / 10);
  const tenth = tenths % 10;
  const pad = (n) => String(n).padStart(2, "0");
  const text = `${pad(Math.floor(whole / 3600))}:${pad(Math.floor((whole % 3600) / 60))}:${pad(whole % 60)}`;
  return tenth ? `${text}.${tenth}` : text;
}

function setUpAdding() {
  if (!addForm) return;
  const start = addForm.querySelector("[data-start]");
  const text = addForm.querySelector("[data-text]");
  const now = addForm.querySelector("[data-now]");
  const errorBox = addForm.querySelector("[data-add-error]");
  let startTyped = false;

  const fillStart = () => {
    if (audio) start.value = formatTime(audio.currentTime);
  };
  if (audio) {
    now.hidden = false;
    now.addEventListener("click", () => {
      fillStart();
      startTyped = false;
      text.focus();
    });
  }
  start.addEventListener("input", () => {
    startTyped = start.value.trim() !== "";
  });
  // The moment the typist starts a new utterance is where it starts in the call.
  text.addEventListener("input", () => {
    if (!startTyped && text.value.length <= 1) fillStart();
  });

  let busy = false; // a double click adds the utterance once
  addForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (busy) return;
    if (!startTyped && !start.value.trim()) fillStart();
    busy = true;
    const response = await fetch(addForm.action, {
      method: "POST",
      body: new FormData(addForm),
      credentials: "same-origin",
      headers: { "X-Transcript-Add": "1" },
    }).catch(() => null);
    busy = false;
    if (!response) {
      addForm.submit();
      return;
    }
    const data = await response.json().catch(() => ({}));
    if (!response.ok) {
      errorBox.textContent = (data.errors || []).join(" ");
      errorBox.hidden = false;
      return;
    }
    errorBox.hidden = true;
    insertRow(data.html);
    text.value = "";
    start.value = "";
    startTyped = false;
    text.focus();
  });
}

function insertRow(html) {
  const list = document.querySelector("[data-utterances]");
  const template = document.createElement("template");
  template.innerHTML = html.trim();
  const row = template.content.firstElementChild;
  const empty = list.querySelector("[data-empty]");
  if (empty) empty.remove();
  const at = Number(row.dataset.start);
  const later = [...list.querySelectorAll("[data-utterance]")].find(
    (item) => Number(item.dataset.start) > at,
  );
  list.insertBefore(row, later || null);
  setUpSelection(row.querySelector("[data-utterance-text]"));
  const submitProblem = document.querySelector("[data-submit-problem]");
  if (submitProblem) submitProblem.dataset.stale = "true";
}

// Offsets count characters as the server does (code points), not UTF-16 units.
function offsetIn(container, node, offset) {
  const range = document.createRange();
  range.selectNodeContents(container);
  range.setEnd(node, offset);
  return Array.from(range.toString()).length;
}

const manual = document.querySelector("[data-manual]");

function setUpSelection(element) {
  if (!manual || !element) return;
  element.addEventListener("mouseup", () => {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) return;
    const range = selection.getRangeAt(0);
    if (!element.contains(range.startContainer) || !element.contains(range.endContainer)) return;
    const start = offsetIn(element, range.startContainer, range.startOffset);
    const end = offsetIn(element, range.endContainer, range.endOffset);
    if (end <= start) return;
    manual.querySelector("[data-manual-utterance]").value = element.dataset.utteranceId;
    manual.querySelector("[data-span-start]").value = String(start);
    manual.querySelector("[data-span-end]").value = String(end);
    manual.querySelector("[data-exact]").value = range.toString();
  });
}

function setUpManual() {
  if (!manual) return;
  const clearSpan = () => {
    manual.querySelector("[data-span-start]").value = "";
    manual.querySelector("[data-span-end]").value = "";
  };
  // Typed by hand, the text and its occurrence decide; a stale selection must not.
  manual.querySelector("[data-exact]").addEventListener("input", clearSpan);
  manual.querySelector("[data-manual-utterance]").addEventListener("change", clearSpan);
  for (const element of document.querySelectorAll("[data-utterance-text]")) {
    setUpSelection(element);
  }
}

if (root) {
  setUpAdding();
  setUpManual();
}
