// Editable, runnable code blocks: every <div class="mg-runnable"> holding a <pre>, and every Sphinx
// div.highlight-python inside an element of class mg-runnable, gets a Run button and an output area; the code runs in
// the real micrograd (micrograd.js: Python in the browser). Python starts on the first Run.
// On a page marked <meta name="mg-runnable" content="blocks">, every python block runs (but those quoting a file of
// the package: `# from micrograd/...`); on a notebook page marked <meta name="mg-runnable" content="cells">, every
// code cell runs as in Jupyter: the cells share their variables, a last line's value is shown, and a graph or a
// step-through page appears under the cell. On both, a NameError also says to run the code above first.
"use strict";

(function () {
  const base = new URL(".", document.currentScript.src);
  const LABELS = {
    en: {
      run: "Run",
      running: "Running…",
      edit: "You can edit this code, then press Run (Ctrl+Enter).",
      cells:
        "The cells of this notebook run here, in your browser: edit one and press Run (Ctrl+Enter). Run them in " +
        "order, as in Jupyter: a cell uses what the cells above it defined.",
      blocks:
        "The examples of this page run here, in your browser: edit one and press Run (Ctrl+Enter). Run them from " +
        "the top: an example uses what the ones above it defined.",
      undefinedName: {
        cells: "Is that name defined in a cell above? Run the cells above this one first, in order.",
        blocks: "Is that name defined in an example above? Run the examples above this one first, from the top.",
      },
    },
    "pt-BR": {
      run: "Executar",
      running: "Executando…",
      edit: "Você pode editar este código e apertar Executar (Ctrl+Enter).",
      cells:
        "As células deste notebook rodam aqui mesmo, no seu navegador: edite uma e aperte Executar (Ctrl+Enter). " +
        "Rode-as em ordem, como no Jupyter: uma célula usa o que as células acima dela definiram.",
      blocks:
        "Os exemplos desta página rodam aqui mesmo, no seu navegador: edite um e aperte Executar (Ctrl+Enter). " +
        "Rode-os de cima para baixo: um exemplo usa o que os de cima definiram.",
      undefinedName: {
        cells: "Esse nome é definido numa célula acima? Rode antes as células acima desta, em ordem.",
        blocks: "Esse nome é definido num exemplo acima? Rode antes os exemplos acima deste, de cima para baixo.",
      },
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

  // A block becomes an editor, a Run button and an output area; `runCode(micrograd, code, output)` fills the output.
  function makeRunnable(block, runCode) {
    const pre = block.querySelector("pre");
    if (!pre || block.dataset.mgRunnable) return null;
    block.dataset.mgRunnable = "yes";
    const text = LABELS[language()];
    const editor = document.createElement("textarea");
    editor.className = "mg-code";
    editor.spellcheck = false;
    editor.value = pre.textContent.replace(/\n$/, "");
    editor.rows = editor.value.split("\n").length;
    editor.wrap = "off"; // a wrapped line of Python reads as two
    editor.title = text.edit;
    const button = document.createElement("button");
    button.className = "mg-run";
    button.textContent = text.run;
    const output = document.createElement("div");
    output.className = "mg-result";
    output.hidden = true;
    async function run() {
      button.disabled = true;
      button.textContent = text.running;
      output.hidden = false;
      output.replaceChildren();
      try {
        await runCode(await whenRuntime(), editor.value, output);
      } catch (error) {
        showText(output, error.message).classList.add("mg-error");
        const page = document.querySelector('meta[name="mg-runnable"]');
        if (page && error.message.startsWith("NameError")) {
          const hint = document.createElement("p"); // on a page run from the top, most often one above was skipped
          hint.className = "mg-hint";
          hint.textContent = text.undefinedName[page.content];
          output.append(hint);
        }
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
    editor.addEventListener("input", () => fitHeight(editor));
    pre.replaceWith(editor);
    editor.after(button, output);
    fitHeight(editor);
    return output;
  }

  // The editor is as tall as its code, so no line hides behind a scroll bar (a long line's own bar included).
  function fitHeight(editor) {
    if (!editor.scrollHeight) return; // not laid out (a hidden block): its rows stand
    editor.style.height = "auto";
    editor.style.height = `${editor.scrollHeight + editor.offsetHeight - editor.clientHeight}px`;
  }

  function fitAllHeights() {
    document.querySelectorAll("textarea.mg-code").forEach(fitHeight);
  }

  function showText(output, text) {
    const pre = document.createElement("pre");
    pre.className = "mg-output";
    pre.textContent = text;
    output.append(pre);
    return pre;
  }

  async function runBlock(micrograd, code, output) {
    showText(output, await micrograd.run(code));
  }

  // A notebook cell: what it printed, then what it shows (web_runtime.run_cell), in place of the notebook's output.
  async function runCell(micrograd, code, output) {
    const cellOutput = output.closest("div.cell").querySelector("div.cell_output");
    if (cellOutput) cellOutput.hidden = true;
    const { printed, shown } = await micrograd.call("web_runtime", "run_cell", code);
    const text = printed + (shown && shown.text !== undefined ? shown.text : "");
    if (text) showText(output, text);
    if (shown && shown.graph !== undefined) {
      const picture = document.createElement("div");
      picture.className = "mg-picture";
      picture.innerHTML = await micrograd.layOut(shown.graph); // Graphviz's SVG: every label in it is escaped
      output.append(picture);
    } else if (shown && shown.page !== undefined) {
      const frame = document.createElement("iframe");
      frame.className = "mg-page";
      frame.title = "micrograd";
      frame.srcdoc = await micrograd.call("web_runtime", "page_html", await micrograd.layOut(shown.page));
      output.append(frame);
    }
  }

  function makeAllRunnable() {
    document.querySelectorAll("div.mg-runnable, .mg-runnable div.highlight-python").forEach((block) => {
      if (block.querySelector("div.highlight-python")) return; // Sphinx's block inside it becomes the runnable one
      makeRunnable(block, runBlock);
    });
    const marked = document.querySelector('meta[name="mg-runnable"]');
    if (!marked) return;
    const [selector, run, note] =
      marked.content === "cells"
        ? ["div.cell div.cell_input div.highlight", runCell, LABELS[language()].cells]
        : ["div.highlight-python div.highlight", runBlock, LABELS[language()].blocks];
    const blocks = [...document.querySelectorAll(selector)].filter((b) => !b.textContent.startsWith("# from micrograd/"));
    blocks.forEach((block) => makeRunnable(block, run));
    if (blocks.length) {
      const paragraph = document.createElement("p");
      paragraph.className = "mg-runnable-note";
      paragraph.textContent = note;
      (blocks[0].closest("div.cell") || blocks[0].parentElement).before(paragraph);
    }
  }

  if (!document.querySelector('link[href$="runnable.css"]')) {
    const style = document.createElement("link"); // the blocks' look, for pages that did not link it themselves
    style.rel = "stylesheet";
    style.href = new URL("runnable.css", base).href;
    style.addEventListener("load", fitAllHeights); // the editors were measured without their font and padding
    document.head.append(style);
  }
  document.fonts.ready.then(fitAllHeights);
  if (document.readyState === "loading") addEventListener("DOMContentLoaded", makeAllRunnable);
  else makeAllRunnable();
})();
