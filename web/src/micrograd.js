// The runtime every page shares: window.micrograd.ready (a Promise: Python can run),
// window.micrograd.run(source) (a Promise of what the code printed; a Python exception rejects it with one line),
// window.micrograd.restart(reason) (stops Python, whatever it is doing, and starts a fresh one), and
// window.micrograd.layOut(dot) (a Promise of the SVG of a DOT graph: Graphviz in WebAssembly).
// Python (Pyodide) runs in a Web Worker; it starts when a page asks for it, or at once with data-start="background".
"use strict";

(function () {
  const script = document.currentScript;
  const base = new URL(".", script.src);
  const lang = pageLanguage();
  const TEXT = {
    en: {
      python: "Loading Python (WebAssembly, about 13 MB, once)…",
      micrograd: "Loading micrograd…",
      ready: "Python is ready.",
      file:
        "Browsers refuse to run WebAssembly from a file:// page. Serve this folder instead: " +
        "python -m http.server (in this folder), then open http://localhost:8000",
      failed: "Python could not start: ",
    },
    "pt-BR": {
      python: "Carregando o Python (WebAssembly, uns 13 MB, só na primeira vez)…",
      micrograd: "Carregando o micrograd…",
      ready: "O Python está pronto.",
      file:
        "Os navegadores não rodam WebAssembly numa página aberta como arquivo (file://). Sirva esta pasta: " +
        "python -m http.server (dentro dela) e abra http://localhost:8000",
      failed: "O Python não conseguiu iniciar: ",
    },
  }[lang];

  let worker = null;
  let readyPromise = null;
  let nextId = 0;
  const pending = new Map();
  const badge = document.createElement("div");
  badge.className = "mg-loading";
  badge.setAttribute("role", "status");

  function pageLanguage() {
    const asked = new URLSearchParams(location.search).get("lang") || document.documentElement.lang || "en";
    return asked.toLowerCase().startsWith("pt") ? "pt-BR" : "en";
  }

  function show(text, fraction) {
    badge.textContent = "";
    if (fraction !== undefined) {
      const bar = document.createElement("progress");
      bar.value = fraction;
      badge.append(bar, " ");
    }
    badge.append(text);
    if (!badge.isConnected) (document.body || document.documentElement).append(badge);
  }

  function start() {
    if (readyPromise) return readyPromise;
    readyPromise = new Promise((resolve, reject) => {
      if (location.protocol === "file:") {
        show(TEXT.file);
        badge.classList.add("mg-error");
        reject(new Error(TEXT.file));
        return;
      }
      show(TEXT.python, 0.05);
      worker = new Worker(new URL("micrograd-worker.js", base), { type: "module" });
      worker.onerror = (event) => {
        show(TEXT.failed + event.message);
        badge.classList.add("mg-error");
        reject(new Error(event.message));
      };
      worker.onmessage = (event) => {
        const message = event.data;
        if (message.progress !== undefined) show(TEXT[message.stage], message.progress);
        else if (message.ready) {
          show(TEXT.ready, 1);
          setTimeout(() => badge.remove(), 800);
          resolve();
        } else if (message.failed) {
          show(TEXT.failed + message.failed);
          badge.classList.add("mg-error");
          reject(new Error(message.failed));
        } else {
          const { resolve: done, reject: fail } = pending.get(message.id);
          pending.delete(message.id);
          message.ok ? done(message.value) : fail(new Error(message.value));
        }
      };
    });
    return readyPromise;
  }

  // Python stopped at once (a learner's endless loop cannot be interrupted from outside) and started afresh: the
  // requests still waiting are rejected with `reason`.
  function restart(reason) {
    if (worker) worker.terminate();
    for (const { reject } of pending.values()) reject(new Error(reason));
    pending.clear();
    worker = null;
    readyPromise = null;
    return start();
  }

  function ask(request) {
    return start().then(
      () =>
        new Promise((resolve, reject) => {
          const id = nextId++;
          pending.set(id, { resolve, reject });
          worker.postMessage({ id, ...request });
        }),
    );
  }

  // Graphviz compiled to WebAssembly (vendor/viz-global.js), loaded with the first graph to lay out.
  let graphviz = null;

  function layOut(dot) {
    graphviz ||= new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = new URL("vendor/viz-global.js", base).href;
      script.onload = () => Viz.instance().then(resolve, reject);
      script.onerror = () => reject(new Error("vendor/viz-global.js"));
      document.head.append(script);
    });
    return graphviz.then((viz) => viz.renderString(dot, { format: "svg" }));
  }

  window.micrograd = {
    get ready() {
      return start(); // asking whether Python is ready starts it
    },
    start,
    restart,
    language: lang,
    run: (source) => ask({ source: String(source) }),
    // A function of one of the worker's helper modules (web_playground, web_exercises), JSON in and out.
    call: (module, fn, ...args) => ask({ module, function: fn, args }),
    layOut, // a Promise of the SVG text of a DOT graph, laid out as Graphviz's dot program does
  };

  // Leaving the page stops Python at once: Chromium's tab could crash when a page was left while the worker was
  // still loading Pyodide. A page the browser brings back from its back-forward cache starts afresh.
  addEventListener("pagehide", () => worker && worker.terminate());
  addEventListener("pageshow", (event) => {
    if (event.persisted && worker) location.reload();
  });

  if (script.dataset.start === "background") {
    if (document.body) start();
    else addEventListener("DOMContentLoaded", start);
  }
})();
