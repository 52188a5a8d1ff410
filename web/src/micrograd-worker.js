// Python in a Web Worker: Pyodide runs micrograd here, so the page never freezes while Python works.
// Messages in: {id, source} runs code; {id, module, function, args} calls a function of one of HELPERS (JSON in and
// out). Messages out: {progress, stage} while loading, {ready: true}, then {id, ok, value} per request.
import { loadPyodide } from "./pyodide/pyodide.mjs";

const WHEELS = "__WHEELS__"; // our package's and graphviz's: the list is filled in by scripts/build_web.py
const HELPERS = ["web_runtime.py", "web_playground.py", "web_exercises.py"]; // Python modules the pages call

async function start() {
  postMessage({ progress: 0.1, stage: "python" });
  const pyodide = await loadPyodide({ indexURL: new URL("pyodide/", location.href).href });
  pyodide.setStdin({ stdin: () => null }); // input() meets the end of the input (EOFError), as in a terminal's pipe
  postMessage({ progress: 0.7, stage: "micrograd" });
  for (const name of WHEELS) {
    const wheel = await fetch(name);
    if (!wheel.ok) throw new Error(`${name}: HTTP ${wheel.status}`);
    pyodide.unpackArchive(await wheel.arrayBuffer(), "wheel");
  }
  for (const name of HELPERS) {
    const response = await fetch(name);
    if (!response.ok) throw new Error(`${name}: HTTP ${response.status}`);
    pyodide.FS.writeFile(`/home/pyodide/${name}`, await response.text());
  }
  postMessage({ progress: 0.9, stage: "micrograd" });
  pyodide.runPython("import sys; sys.path.insert(0, '/home/pyodide'); import micrograd, web_runtime");
  return pyodide.pyimport("web_runtime");
}

const runtime = start();
runtime.then(
  () => postMessage({ ready: true }),
  (error) => postMessage({ failed: String(error && error.message ? error.message : error) }),
);

onmessage = async (event) => {
  const request = event.data;
  const python = await runtime;
  // web_runtime answers with JSON text: {"ok": true, "value": ...} or {"ok": false, "value": "OneLine: error"}
  const answer =
    request.source !== undefined
      ? python.run(request.source)
      : python.call(request.module, request.function, JSON.stringify(request.args || []));
  postMessage({ id: request.id, ...JSON.parse(answer) });
};
