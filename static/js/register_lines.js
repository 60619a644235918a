// Register activity pages: one "Add …" button per section of lines (purposes, data-subject
// lines, recipients) clones the section's empty Django form from its <template> under the next
// index and raises the formset's TOTAL_FORMS, so any number of lines is saved in one go.
// Without this script the page still offers the formset's empty lines.

function setUp(section) {
  const template = section.querySelector("template[data-empty-line]");
  const list = section.querySelector("[data-line-list]");
  const button = section.querySelector("[data-add-line]");
  const total = section.querySelector("input[name$='-TOTAL_FORMS']");
  const max = section.querySelector("input[name$='-MAX_NUM_FORMS']");
  if (!template || !list || !button || !total) return;

  button.hidden = false;
  button.addEventListener("click", () => {
    const index = Number(total.value);
    if (max && index >= Number(max.value)) return;
    const html = template.innerHTML.replaceAll("__prefix__", String(index));
    const holder = document.createElement("div");
    holder.innerHTML = html;
    const line = holder.firstElementChild;
    list.append(line);
    total.value = String(index + 1);
    const first = line.querySelector("input:not([type=hidden]), textarea, select");
    if (first) first.focus();
  });
}

for (const section of document.querySelectorAll("form[data-register-lines] [data-lines]")) {
  setUp(section);
}
