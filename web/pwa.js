// Registers the service worker and offers updates: when a new version (new data or a new
// app) has been downloaded and verified, a banner offers "New data through week X: reload".
// Plain JS outside the wasm app, so updates still work if a broken app version shipped.
// window.__pwa reports the state to the browser tests.
"use strict";
(function () {
  window.__pwa = { registered: false, update: "none" };
  if (!("serviceWorker" in navigator)) return;
  const sw = navigator.serviceWorker;

  function ask(worker) {
    return new Promise((resolve) => {
      const ch = new MessageChannel();
      const timer = setTimeout(() => resolve({}), 3000);
      ch.port1.onmessage = (e) => {
        clearTimeout(timer);
        resolve(e.data || {});
      };
      worker.postMessage({ type: "meta" }, [ch.port2]);
    });
  }

  let reloading = false;
  async function offer(worker) {
    // The very first install has nothing to replace: no prompt.
    if (!sw.controller) return;
    window.__pwa.update = "ready";
    const [next, current] = await Promise.all([ask(worker), ask(sw.controller)]);
    const text =
      next.week && next.week !== current.week
        ? `New data through week ${next.week}.`
        : "A new version of the app is ready.";
    let bar = document.getElementById("update-banner");
    if (!bar) {
      bar = document.createElement("div");
      bar.id = "update-banner";
      bar.setAttribute("role", "status");
      document.body.appendChild(bar);
    }
    bar.textContent = "";
    const span = document.createElement("span");
    span.textContent = text + " ";
    const reload = document.createElement("button");
    reload.id = "update-reload";
    reload.textContent = "Reload";
    reload.addEventListener("click", () => {
      reloading = true;
      worker.postMessage({ type: "skip-waiting" });
    });
    const later = document.createElement("button");
    later.className = "ghost";
    later.textContent = "Later";
    later.addEventListener("click", () => bar.remove());
    bar.append(span, reload, later);
  }

  sw.addEventListener("controllerchange", () => {
    if (reloading) window.location.reload();
  });

  function track(w) {
    window.__pwa.update = "installing";
    w.addEventListener("statechange", () => {
      if (w.state === "installed") offer(w);
      // An install that fails (a corrupt download) ends redundant without installing.
      else if (w.state === "redundant" && window.__pwa.update === "installing") {
        window.__pwa.update = "failed";
      }
    });
  }

  function watch(reg) {
    if (reg.installing) track(reg.installing);
    if (reg.waiting) offer(reg.waiting);
    reg.addEventListener("updatefound", () => {
      if (reg.installing) track(reg.installing);
    });
  }

  // Registered once the app has shown its first page (the "wtw-ready" event from the wasm
  // app), so the worker's download of the whole site does not compete with the first
  // visit's own; after 10 s at the latest (an app that fails to start still gets updates).
  let started = false;
  function start() {
    if (started) return;
    started = true;
    sw.register("sw.js").then(
      (reg) => {
        window.__pwa.registered = true;
        window.__pwa.reg = reg;
        watch(reg);
        // Long-lived tabs (an installed app left open) look for new data hourly.
        setInterval(() => reg.update().catch(() => {}), 60 * 60 * 1000);
      },
      (err) => {
        window.__pwa.error = String(err);
      },
    );
  }
  window.addEventListener("wtw-ready", start);
  window.addEventListener("load", () => setTimeout(start, 10000));
})();
