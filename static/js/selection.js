// The list of calls: show how many calls are ticked beside the buttons that carry them into a
// form. Without this script the buttons work the same; only the count is missing.
const form = document.querySelector("[data-selection]");
if (form) {
  const count = form.querySelector("[data-selection-count]");
  const update = () => {
    count.querySelector("output").textContent = String(
      form.querySelectorAll("input[name=recording]:checked").length,
    );
    count.hidden = false;
  };
  form.addEventListener("change", update);
  update();
}
