// Editable, runnable code blocks: every <div class="mg-runnable"> holding a <pre>, and every Sphinx
// div.highlight-python inside an element of class mg-runnable, gets a Run button and an output area; the code runs in
// the real micrograd (micrograd.js: Python in the browser). Python starts on the first Run.
"use strict";

(function () {
  const base = new URL(".", document.currentScript.src);
  const LABELS = {
    en: { run: "Run", running: "Running…", edit: "You can edit this code, then press Run (Ctrl+Enter)." },
    "pt-BR": {
      run: "Executar",
      running: "Executando…",
      edit: "Você pode editar este código e apertar Executar (Ctrl+Enter).",
    },
  };

  function whenRuntime() {
    if (window.micrograd) return Promise.resolve(window.micrograd);
    return new Promise((resolve) => {
      const script = document.createElement("script");
      script.src = new URL("micrograd.js", base).href;
      script.onload = () => resolve(window.micrograd);
      document.head.append(script);
    });
  }

  function language() {
    const asked = new URLSearchParams(location.search).get("lang") || document.documentElement.lang || "en";
    return asked.toLowerCase().startsWith("pt") ? "pt-BR" : "en";
  }

  function makeRunnable(block) {
    const pre = block.querySelector("pre");
    if (!pre || block.dataset.mgRunnable) return;
    block.dataset.mgRunnable = "yes";
    const text = LABELS[language()];
    const editor = document.createElement("textarea");
    editor.className = "mg-code";
    editor.spellcheck = false;
    editor.value = pre.textContent.replace(/\n$/, "");
    editor.rows = editor.value.split("\n").length;
    editor.title = text.edit;
    const button = document.createElement("button");
    button.className = "mg-run";
    button.textContent = text.run;
    const output = document.createElement("pre");
    output.className = "mg-output";
    output.hidden = true;
    async function run() {
      button.disabled = true;
      button.textContent = text.running;
      output.hidden = false;
      output.classList.remove("mg-error");
      try {
        const micrograd = await whenRuntime();
        output.textContent = await micrograd.run(editor.value);
      } catch (error) {
        output.textContent = error.message;
        output.classList.add("mg-error");
      }
      button.disabled = false;
      button.textContent = text.run;
    }
    button.addEventListener("click", run);
    editor.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        run();
      }
    });
    pre.replaceWith(editor);
    editor.after(button, output);
  }

  function makeAllRunnable() {
    document.querySelectorAll("div.mg-runnable, .mg-runnable div.highlight-python").forEach((block) => {
      if (block.querySelector("div.highlight-python")) return; // Sphinx's block inside it becomes the runnable one
      makeRunnable(block);
    });
  }

  if (!document.querySelector('link[href$="runnable.css"]')) {
    const style = document.createElement("link"); // the blocks' look, for pages that did not link it themselves
    style.rel = "stylesheet";
    style.href = new URL("runnable.css", base).href;
    document.head.append(style);
  }
  if (document.readyState === "loading") addEventListener("DOMContentLoaded", makeAllRunnable);
  else makeAllRunnable();
})();
