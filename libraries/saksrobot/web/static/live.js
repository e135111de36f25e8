"use strict";
// Live status without reloading the page (WCAG 2.2.1): every part marked data-live is fetched again
// every data-seconds seconds and replaced; a polite live region says when something changed; the
// pause button (aria-pressed) stops and starts it. Without this script the page is simply static.
(() => {
  const control = document.getElementById("levende");
  if (!control) return;
  const seconds = Number(control.dataset.seconds) || 30;
  const button = control.querySelector("button");
  const said = control.querySelector("[aria-live]");
  let timer = null;

  async function refresh() {
    const response = await fetch(location.href, {credentials: "same-origin", headers: {"X-Levende": "1"}});
    if (!response.ok || response.redirected) return;
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    let changed = false;
    for (const part of document.querySelectorAll("[data-live][id]")) {
      const next = fresh.getElementById(part.id);
      if (next && next.innerHTML !== part.innerHTML) {
        part.innerHTML = next.innerHTML;
        changed = true;
      }
    }
    if (changed) said.textContent = "Oppdatert kl. " + new Date().toLocaleTimeString("nb-NO");
  }

  function run(on) {
    clearInterval(timer);
    timer = on ? setInterval(() => refresh().catch(() => {}), seconds * 1000) : null;
    button.setAttribute("aria-pressed", on ? "false" : "true");
  }

  button.addEventListener("click", () => run(timer === null));
  control.hidden = false;
  run(true);
})();
