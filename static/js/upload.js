// Upload in the browser: drop or choose audio files (each with an optional JSON sidecar of the
// same name), then send them one file per request with a progress bar per row.
// The strings shown come from data-text-* attributes of the form (translated in the template).

const PARALLEL = 2;

const stemOf = (name) => {
  const dot = name.lastIndexOf(".");
  return (dot > 0 ? name.slice(0, dot) : name).toLowerCase();
};
const isSidecar = (file) => file.name.toLowerCase().endsWith(".json");
const fill = (template, values) =>
  template.replace(/\{(\w+)\}/g, (match, key) => (key in values ? String(values[key]) : match));

function setUp(form) {
  const endpoint = form.dataset.endpoint;
  const text = form.dataset;
  const dropzone = form.querySelector("[data-dropzone]");
  const input = form.querySelector("[data-files]");
  const list = form.querySelector("[data-list]");
  const summary = form.querySelector("[data-summary]");
  const startButton = form.querySelector("[data-start]");
  const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  let pool = []; // chosen, not yet sent
  let busy = false;

  function element(tag, className, content) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (content !== undefined) node.textContent = content;
    return node;
  }

  // Pair every audio file with the sidecar of the same stem; sidecars left over are orphans.
  function pair(files) {
    const sidecars = new Map();
    const audios = [];
    for (const file of files) {
      if (isSidecar(file)) sidecars.set(stemOf(file.name), file);
      else audios.push(file);
    }
    const used = new Set();
    const jobs = audios.map((audio) => {
      const sidecar = sidecars.get(stemOf(audio.name)) || null;
      if (sidecar) used.add(sidecar);
      return { audio, sidecar };
    });
    const orphans = [...sidecars.values()].filter((file) => !used.has(file));
    return { jobs, orphans };
  }

  function addRow(job) {
    const row = element("li", "upload-row");
    const name = element("span", "upload-name", job.audio ? job.audio.name : job.orphan.name);
    if (job.sidecar) name.append(" ", element("span", "muted", `+ ${job.sidecar.name}`));
    row.append(name);
    const outcome = element("span", "upload-outcome");
    if (job.orphan) {
      row.classList.add("refused", "orphan");
      outcome.classList.add("errors");
      outcome.textContent = text.textNoAudio;
    } else {
      job.progress = element("progress", "upload-progress");
      job.progress.max = 100;
      job.progress.value = 0;
      row.append(job.progress);
      outcome.classList.add("muted");
      outcome.textContent = text.textReady;
    }
    row.append(outcome);
    job.row = row;
    job.outcome = outcome;
    list.append(row);
    return job;
  }

  // Rows of files not yet sent are rebuilt on every change, so a sidecar finds its audio
  // whatever the order in which they were dropped.
  function showPool() {
    for (const row of list.querySelectorAll("[data-pending]")) row.remove();
    const { jobs, orphans } = pair(pool);
    for (const job of [...jobs, ...orphans.map((orphan) => ({ orphan }))]) {
      addRow(job).row.dataset.pending = "";
    }
  }

  function add(files) {
    if (busy) return;
    const known = new Set(pool.map((file) => `${file.name}\u0000${file.size}`));
    for (const file of files) {
      const key = `${file.name}\u0000${file.size}`;
      if (!known.has(key)) {
        pool.push(file);
        known.add(key);
      }
    }
    summary.hidden = true;
    showPool();
  }

  function finish(job, ok, message, url) {
    job.progress.value = 100;
    job.row.classList.add(ok ? "stored" : "refused");
    job.outcome.className = `upload-outcome ${ok ? "ok" : "errors"}`;
    job.outcome.textContent = "";
    if (ok) {
      const link = element("a", "", text.textOpen);
      link.href = url;
      job.outcome.append(link);
    } else {
      job.outcome.textContent = message;
    }
    return ok;
  }

  function send(job) {
    return new Promise((resolve) => {
      const data = new FormData();
      data.append("csrfmiddlewaretoken", token);
      for (const field of ["started_at", "direction", "queue", "agent_id", "announcement"]) {
        const control = form.elements.namedItem(field);
        if (control && control.value) data.append(field, control.value);
      }
      data.append("audio", job.audio, job.audio.name);
      if (job.sidecar) data.append("sidecar", job.sidecar, job.sidecar.name);

      const request = new XMLHttpRequest();
      request.open("POST", endpoint);
      request.setRequestHeader("X-CSRFToken", token);
      request.setRequestHeader("Accept", "application/json");
      request.upload.addEventListener("progress", (event) => {
        if (event.lengthComputable) job.progress.value = (event.loaded / event.total) * 100;
      });
      request.addEventListener("load", () => {
        let body = null;
        try {
          body = JSON.parse(request.responseText);
        } catch (error) {
          body = null;
        }
        if (request.status === 201 && body && body.ok) {
          resolve(finish(job, true, "", body.url));
        } else if (body && body.error) {
          resolve(finish(job, false, body.error));
        } else {
          resolve(finish(job, false, fill(text.textStatus, { status: request.status })));
        }
      });
      const failed = () => resolve(finish(job, false, text.textFailed));
      request.addEventListener("error", failed);
      request.addEventListener("abort", failed);
      request.addEventListener("timeout", failed);
      job.outcome.className = "upload-outcome muted";
      job.outcome.textContent = text.textUploading;
      request.send(data);
    });
  }

  async function start() {
    const { jobs, orphans } = pair(pool);
    if (!jobs.length && !orphans.length) {
      summary.textContent = text.textEmpty;
      summary.hidden = false;
      return;
    }
    busy = true;
    startButton.disabled = true;
    pool = [];
    for (const row of list.querySelectorAll("[data-pending]")) row.remove();
    const rows = [...jobs.map(addRow), ...orphans.map((orphan) => addRow({ orphan }))];
    let stored = 0;
    let refused = orphans.length;
    const queue = rows.filter((job) => job.audio);
    const worker = async () => {
      while (queue.length) {
        const ok = await send(queue.shift());
        if (ok) stored += 1;
        else refused += 1;
      }
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL, queue.length) }, worker));
    summary.textContent = fill(text.textSummary, { stored, refused });
    summary.classList.toggle("errors", refused > 0);
    summary.hidden = false;
    busy = false;
    startButton.disabled = false;
  }

  input.addEventListener("change", () => {
    add(input.files);
    input.value = "";
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!busy) start();
  });

  let depth = 0;
  const dragging = (on) => dropzone.classList.toggle("dragging", on);
  dropzone.addEventListener("dragenter", (event) => {
    event.preventDefault();
    depth += 1;
    dragging(true);
  });
  dropzone.addEventListener("dragover", (event) => {
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = "copy";
  });
  dropzone.addEventListener("dragleave", () => {
    depth = Math.max(0, depth - 1);
    if (!depth) dragging(false);
  });
  dropzone.addEventListener("drop", (event) => {
    event.preventDefault();
    depth = 0;
    dragging(false);
    if (event.dataTransfer) add(event.dataTransfer.files);
  });
  dropzone.addEventListener("keydown", (event) => {
    if (event.target === dropzone && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      input.click();
    }
  });
  // A file dropped beside the zone must not make the browser leave the page.
  for (const type of ["dragover", "drop"]) {
    window.addEventListener(type, (event) => {
      if (!dropzone.contains(event.target)) event.preventDefault();
    });
  }
}

for (const form of document.querySelectorAll("[data-upload]")) setUp(form);
