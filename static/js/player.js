// The recording player: plays through the gate (GET <data-src>?purpose=<code>), which answers
// with Range support and writes the audit event. No framework, no inline script or style (CSP).

const SKIP_SECONDS = 5;
// While playing, the player asks the gate this often whether it may still play: the browser
// reads ahead of the playback, so a revoked grant must also stop what is already buffered.
const CHECK_SECONDS = 5;
const TEXT_INPUT_TYPES = new Set([
  "text", "search", "email", "number", "password", "tel", "url", "date", "datetime-local",
  "month", "time", "week",
]);
// Keys a control uses itself: the player's shortcuts leave them to it.
const SPACE_AND_ARROWS = new Set([" ", "Spacebar", "ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"]);
const SPACE_AND_ENTER = new Set([" ", "Spacebar", "Enter"]);

function formatTime(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) seconds = 0;
  const whole = Math.floor(seconds);
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const secs = String(whole % 60).padStart(2, "0");
  return hours ? `${hours}:${String(minutes).padStart(2, "0")}:${secs}` : `${minutes}:${secs}`;
}

// Whether the focused element uses this key itself: every key while typing (text fields,
// text areas, selects, editable text), Space and the arrows on a radio button or a slider
// (they choose the answer, move the slider), Space and Enter on a button, a checkbox, a link
// or a summary. Elsewhere the player's shortcuts apply.
function controlOwnsKey(element, key) {
  if (!element || element === document.body) return false;
  if (element.isContentEditable) return true;
  const tag = element.tagName;
  const role = (element.getAttribute("role") || "").toLowerCase();
  if (tag === "TEXTAREA" || tag === "SELECT" || role === "textbox" || role === "combobox") {
    return true;
  }
  if (tag === "INPUT") {
    const type = (element.type || "text").toLowerCase();
    if (TEXT_INPUT_TYPES.has(type)) return true;
    if (type === "radio" || type === "range") return SPACE_AND_ARROWS.has(key);
    return SPACE_AND_ENTER.has(key); // checkbox, button, submit, file...
  }
  if (role === "radio" || role === "slider" || role === "radiogroup") {
    return SPACE_AND_ARROWS.has(key);
  }
  if (tag === "BUTTON" || tag === "SUMMARY" || tag === "A" || role === "button") {
    return SPACE_AND_ENTER.has(key);
  }
  return false;
}

function setUp(root) {
  const audio = root.querySelector("[data-audio]");
  const purpose = root.querySelector("[data-purpose]");
  const playButton = root.querySelector('[data-action="play"]');
  const backButton = root.querySelector('[data-action="back"]');
  const forwardButton = root.querySelector('[data-action="forward"]');
  const speed = root.querySelector("[data-speed]");
  const seek = root.querySelector("[data-seek]");
  const timeLabel = root.querySelector("[data-time]");
  const durationLabel = root.querySelector("[data-duration]");
  const errorBox = root.querySelector("[data-error]");
  const base = audio.dataset.src;
  let loaded = false;
  let dragging = false;
  let pendingPosition = null;

  const knownDuration = () => {
    if (Number.isFinite(audio.duration) && audio.duration > 0) return audio.duration;
    const fromPage = parseFloat(durationLabel.dataset.seconds || "");
    return Number.isFinite(fromPage) && fromPage > 0 ? fromPage : 0;
  };
  // After the gate stopped a playback, the next load asks under a new address: the browser
  // keeps what it read of an address in memory and would otherwise play that without asking.
  let stops = 0;
  const sourceUrl = () => {
    const url = `${base}?purpose=${encodeURIComponent(purpose.value)}`;
    return stops ? `${url}&stop=${stops}` : url;
  };

  function showDuration() {
    durationLabel.textContent = formatTime(knownDuration());
  }

  function showPosition() {
    timeLabel.textContent = formatTime(audio.currentTime);
    const duration = knownDuration();
    if (!dragging && duration) {
      seek.value = String(Math.round((audio.currentTime / duration) * Number(seek.max)));
    }
  }

  function hideError() {
    errorBox.textContent = "";
    errorBox.hidden = true;
  }

  function showError(text) {
    errorBox.textContent = text || errorBox.dataset.textGeneric || "";
    errorBox.hidden = false;
  }

  function applyRate() {
    const rate = parseFloat(speed.value) || 1;
    audio.defaultPlaybackRate = rate; // survives a new source
    audio.playbackRate = rate;
  }

  function load(position) {
    hideError();
    pendingPosition = position > 0 ? position : null;
    audio.preload = "auto";
    audio.src = sourceUrl();
    loaded = true;
    applyRate();
  }

  async function play() {
    if (!loaded) load(0);
    try {
      await audio.play();
    } catch (error) {
      // A refused or broken source also fires "error" on the element, which explains it.
      if (error && error.name === "NotAllowedError") showError();
    }
  }

  function togglePlay() {
    if (audio.paused || audio.ended) play();
    else audio.pause();
  }

  function seekTo(seconds) {
    const duration = knownDuration();
    let target = Math.max(0, seconds);
    if (duration) target = Math.min(target, duration);
    if (!loaded) {
      load(target);
    } else if (audio.readyState >= HTMLMediaElement.HAVE_METADATA) {
      audio.currentTime = target;
    } else {
      pendingPosition = target;
    }
    timeLabel.textContent = formatTime(target);
  }

  const skip = (delta) => seekTo(audio.currentTime + delta);

  function stepSpeed(step) {
    const index = speed.selectedIndex + step;
    if (index < 0 || index >= speed.options.length) return;
    speed.selectedIndex = index;
    applyRate();
  }

  function updatePlayLabel() {
    const playing = !audio.paused && !audio.ended;
    playButton.textContent = playing ? playButton.dataset.labelPause : playButton.dataset.labelPlay;
  }

  // Where the playback failed, in seconds: the position, and the end of what the browser had
  // read (it reads ahead: the byte range it could not get starts about there). Read these
  // before the source is dropped, which forgets both.
  function failedAround() {
    const seconds = [audio.currentTime || 0];
    const buffered = audio.buffered;
    for (let i = 0; i < buffered.length; i += 1) seconds.push(buffered.end(i));
    return { seconds, duration: knownDuration() };
  }

  // The gate's refusal shown, if this answer is one; true when shown.
  async function shownRefusal(response) {
    const type = response.headers.get("Content-Type") || "";
    if (!response.ok && type.startsWith("text/plain")) {
      showError((await response.text()).trim());
      return true;
    }
    return false;
  }

  const ask = async (url, range) => {
    const response = await fetch(url, {
      credentials: "same-origin",
      headers: { Range: range },
      cache: "no-store",
    });
    if (response.ok && response.body) response.body.cancel(); // only the answer is wanted
    return response;
  };

  // Ask the gate again to read its reason (403: no right, 410: erased or past retention, 409:
  // the stored audio cannot be read). A sealed call altered in a later part is refused only
  // for the byte ranges touching it, so after the first byte the gate is asked, as the browser
  // asks, for the bytes from where the playback failed (the position and the end of what was
  // read, placed in the file by time and size).
  async function showReason(url, around = failedAround()) {
    try {
      const first = await ask(url, "bytes=0-0");
      if (await shownRefusal(first)) return;
      const size = Number((first.headers.get("Content-Range") || "").split("/")[1]);
      if (Number.isFinite(size) && size > 1 && around.duration > 0) {
        const asked = new Set();
        for (const seconds of around.seconds) {
          const at = Math.floor((seconds / around.duration) * size);
          let offset = Math.min(size - 1, Math.max(0, at));
          // From there, the next few ranges as the browser would ask for them (the gate caps
          // an open range; what failed may be the range after the one that played).
          for (let step = 0; step < 3 && offset < size && !asked.has(offset); step += 1) {
            asked.add(offset);
            const response = await ask(url, `bytes=${offset}-`);
            if (await shownRefusal(response)) return;
            const end = Number((response.headers.get("Content-Range") || "").split(/[-/]/)[1]);
            if (!Number.isFinite(end)) break;
            offset = end + 1;
          }
        }
      }
    } catch (error) {
      // Fall through to the generic message.
    }
    showError();
  }

  async function explainError() {
    const code = audio.error ? audio.error.code : 0;
    if (!loaded || code === MediaError.MEDIA_ERR_ABORTED) return;
    stops += 1;
    audio.pause();
    updatePlayLabel();
    await showReason(audio.currentSrc || sourceUrl());
  }

  // The gate answers a HEAD as it would the next byte range, without handing over audio or
  // counting a play. Once it refuses (a revoked or ended grant, a deadline passed), the player
  // stops and drops what the browser had read ahead.
  let checkTimer = null;
  async function checkStillAllowed() {
    if (!loaded || audio.paused) return;
    const url = audio.currentSrc || sourceUrl();
    let response;
    try {
      response = await fetch(url, {
        method: "HEAD",
        credentials: "same-origin",
        headers: { Range: "bytes=0-0" },
        cache: "no-store",
      });
    } catch (error) {
      return; // the network, not the gate: the next byte range will tell
    }
    if (![401, 403, 404, 409, 410].includes(response.status)) return;
    const around = failedAround();
    loaded = false;
    stops += 1;
    audio.pause();
    audio.removeAttribute("src");
    audio.load();
    updatePlayLabel();
    await showReason(url, around);
  }
  function startChecking() {
    if (checkTimer === null) checkTimer = setInterval(checkStillAllowed, CHECK_SECONDS * 1000);
  }
  function stopChecking() {
    clearInterval(checkTimer);
    checkTimer = null;
  }

  // Other scripts on the page (a comment pinned to a moment) move the player this way.
  root.addEventListener("player:seek", (event) => seekTo(Number(event.detail.seconds) || 0));
  root.dataset.ready = "true";

  playButton.addEventListener("click", togglePlay);
  backButton.addEventListener("click", () => skip(-SKIP_SECONDS));
  forwardButton.addEventListener("click", () => skip(SKIP_SECONDS));
  speed.addEventListener("change", applyRate);
  purpose.addEventListener("change", () => {
    if (!loaded) return;
    const position = audio.currentTime;
    const wasPlaying = !audio.paused && !audio.ended;
    load(position);
    if (wasPlaying) play();
  });
  seek.addEventListener("input", () => {
    dragging = true;
    const duration = knownDuration();
    const target = (Number(seek.value) / Number(seek.max)) * duration;
    timeLabel.textContent = formatTime(target);
  });
  seek.addEventListener("change", () => {
    dragging = false;
    const duration = knownDuration();
    if (duration) seekTo((Number(seek.value) / Number(seek.max)) * duration);
  });

  audio.addEventListener("loadedmetadata", () => {
    if (pendingPosition !== null) {
      audio.currentTime = Math.min(pendingPosition, audio.duration || pendingPosition);
      pendingPosition = null;
    }
    showDuration();
    showPosition();
  });
  audio.addEventListener("durationchange", showDuration);
  audio.addEventListener("timeupdate", showPosition);
  audio.addEventListener("seeked", showPosition);
  audio.addEventListener("play", updatePlayLabel);
  audio.addEventListener("playing", startChecking);
  // Resuming what the browser already holds: ask at once, not only at the next tick.
  audio.addEventListener("play", () => {
    if (audio.currentTime > 0) checkStillAllowed();
  });
  audio.addEventListener("pause", stopChecking);
  audio.addEventListener("ended", stopChecking);
  audio.addEventListener("playing", hideError);
  audio.addEventListener("pause", updatePlayLabel);
  audio.addEventListener("ended", updatePlayLabel);
  audio.addEventListener("error", explainError);

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (controlOwnsKey(event.target, event.key)) return;
    let handled = true;
    switch (event.key) {
      case " ":
      case "Spacebar":
        if (!event.repeat) togglePlay();
        break;
      case "ArrowLeft":
        skip(-SKIP_SECONDS);
        break;
      case "ArrowRight":
        skip(SKIP_SECONDS);
        break;
      case "[":
        stepSpeed(-1);
        break;
      case "]":
        stepSpeed(1);
        break;
      case "p":
      case "P":
        // Back to the player from anywhere on the page (a long QM form on a narrow screen).
        root.scrollIntoView({ block: "start" });
        playButton.focus({ preventScroll: true });
        break;
      default:
        handled = false;
    }
    if (handled) event.preventDefault();
  });
  // Space on the page (not on a control) would otherwise scroll it when released.
  document.addEventListener("keyup", (event) => {
    if ((event.key === " " || event.key === "Spacebar")
        && !controlOwnsKey(event.target, event.key)
        && !(event.ctrlKey || event.metaKey || event.altKey)) {
      event.preventDefault();
    }
  });

  applyRate();
  showDuration();
  updatePlayLabel();
  root.classList.add("ready");
}

for (const root of document.querySelectorAll("[data-player]")) setUp(root);
