// Runs axe-core (injected just before this script) on every page a browser test visits, once the
// page has loaded, and hands the violations to the test through the binding that
// tests/browser/conftest.py exposes. Runs are chained: axe refuses to run twice at once.
(() => {
  if (window.top !== window) return; // axe checks iframes from the top page
  const settings = __EARSHOT_AXE_SETTINGS__;
  let pending = Promise.resolve();

  function describe(violation) {
    return {
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(" >>> ")),
      summary: violation.nodes.length ? violation.nodes[0].failureSummary : "",
    };
  }

  function report(violations, error, started) {
    const seconds = (performance.now() - started) / 1000;
    return window.__earshotAxeReport(location.href, violations, error, seconds);
  }

  // Whether the page changed since axe last looked: the check at the end skips an unchanged page.
  let changed = true;
  new MutationObserver(() => {
    changed = true;
  }).observe(document, { subtree: true, childList: true, attributes: true, characterData: true });

  function check(onlyIfChanged = false) {
    if (document.contentType !== "text/html") return pending;
    if (onlyIfChanged && !changed) return pending;
    let started = 0;
    pending = pending
      .then(() => {
        changed = false;
        started = performance.now();
        return window.axe.run({ exclude: settings.exclude }, settings.options);
      })
      .then(
        (results) => report(results.violations.map(describe), "", started),
        (error) => report([], String(error), started),
      )
      .catch(() => {}); // the page or the test went away; the next page is checked anyway
    return pending;
  }

  const loaded = new Promise((resolve) => window.addEventListener("load", () => resolve(check())));
  window.__earshotAxeCheck = check; // check the page as it is now (if it changed, with true)
  window.__earshotAxeSettled = () => loaded.then(() => pending); // the load's run has reported
})();
