// The exercises page: the learner's file (the one `micrograd exercises check N` checks) in a CodeMirror editor,
// checked in the browser by the CLI's own code (web_exercises.py); the file and the passed exercises are kept in the
// browser's storage, and can be exported and imported. A check has the command's time limits, and a Stop button.
import { basicSetup, EditorView } from "codemirror";
import { python } from "@codemirror/lang-python";

const TEXT = translatePage({
  ...SHARED_TEXT,
  title: { en: "Exercises: write your own micrograd", "pt-BR": "Exercícios: escreva o seu próprio micrograd" },
  intro: {
    en:
      "This is the file “micrograd exercises start” writes. Pick an exercise, write it where it says " +
      "“raise NotImplementedError”, then press Check: the same checker as “micrograd exercises check N” answers. " +
      "Your file stays in this browser; Export saves it as micrograd_exercises.py, which the command also checks.",
    "pt-BR":
      "Este é o arquivo que “micrograd exercises start” cria. Escolha um exercício, escreva-o onde está " +
      "“raise NotImplementedError” e aperte Conferir: responde o mesmo verificador de “micrograd exercises check N”. " +
      "Seu arquivo fica neste navegador; Exportar o salva como micrograd_exercises.py, que o comando também confere.",
  },
  check: { en: "Check", "pt-BR": "Conferir" },
  checking: { en: "Checking…", "pt-BR": "Conferindo…" },
  stop: { en: "Stop", "pt-BR": "Parar" },
  stopped: {
    en: "Stopped: your code was still running (an endless loop?). Python starts again; your file is kept.",
    "pt-BR": "Parado: seu código ainda estava rodando (um laço sem fim?). O Python recomeça; seu arquivo continua aqui.",
  },
  export: { en: "Export", "pt-BR": "Exportar" },
  import: { en: "Import:", "pt-BR": "Importar:" },
  restart: { en: "Start over", "pt-BR": "Recomeçar" },
  confirmRestart: {
    en: "Replace your file with a new starter file? Export it first if you want to keep it.",
    "pt-BR": "Trocar o seu arquivo por um arquivo inicial novo? Exporte-o antes se quiser guardá-lo.",
  },
  confirmImport: {
    en: "Replace the file in the editor with {name}?",
    "pt-BR": "Trocar o arquivo do editor por {name}?",
  },
  notPython: {
    en: "{name} is not a Python file (.py, text): nothing was replaced.",
    "pt-BR": "{name} não é um arquivo Python (.py, texto): nada foi trocado.",
  },
});

const lang = pageLanguage();
const FILE_KEY = `micrograd-exercises-file-${lang}`; // the starter file's comments are in the page's language
const PASSED_KEY = "micrograd-exercises-passed";
const message = document.getElementById("message");
const list = document.getElementById("exercise-list");
let current = 1;
let exercises = [];

const passed = () => new Set(JSON.parse(localStorage.getItem(PASSED_KEY) || "[]"));

const view = new EditorView({
  parent: document.getElementById("editor"),
  extensions: [
    basicSetup,
    python(),
    EditorView.updateListener.of((update) => {
      if (update.docChanged) localStorage.setItem(FILE_KEY, update.state.doc.toString());
    }),
  ],
});

function setFile(text) {
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

function showList() {
  const done = passed();
  list.textContent = "";
  for (const exercise of exercises) {
    const item = document.createElement("li");
    item.value = exercise.number;
    item.textContent = `${exercise.title} (${exercise.names.join(", ")})`;
    item.classList.toggle("current", exercise.number === current);
    item.classList.toggle("passed", done.has(exercise.number));
    item.dataset.number = exercise.number;
    item.addEventListener("click", () => choose(exercise));
    list.append(item);
  }
}

// Choosing an exercise moves the editor to its first definition (def slope, def __add__, ...).
function choose(exercise) {
  current = exercise.number;
  showList();
  const name = exercise.names[0].split(".").pop();
  const at = view.state.doc.toString().search(new RegExp(`def ${name}\\b`));
  if (at >= 0) view.dispatch({ selection: { anchor: at }, scrollIntoView: true });
  view.focus();
}

// A check runs the file, then the exercise, each under the command's time limit; past it, or when the learner presses
// Stop, Python is restarted (a loop cannot be interrupted from outside) and the check's promise rejects with the reason.
const checkButton = document.getElementById("check");
let checking = false;

function withinSeconds(call, seconds, reason) {
  const timer = setTimeout(() => micrograd.restart(reason), seconds * 1000);
  return call.finally(() => clearTimeout(timer));
}

async function check() {
  message.hidden = false;
  message.classList.remove("passed");
  message.textContent = TEXT.checking;
  const [source, number] = [view.state.doc.toString(), current];
  checking = true;
  checkButton.textContent = TEXT.stop;
  let result;
  try {
    const limits = await micrograd.call("web_exercises", "time_limits", number, lang);
    const file = await withinSeconds(micrograd.call("web_exercises", "load", source, lang), ...limits.load);
    result = file.loaded
      ? await withinSeconds(micrograd.call("web_exercises", "check", number, lang), ...limits.check)
      : { passed: false, message: file.message };
  } catch (error) {
    result = { passed: false, message: error.message, stopped: error.message === TEXT.stopped };
  } finally {
    checking = false;
    checkButton.textContent = TEXT.check;
  }
  message.textContent = result.message;
  message.classList.toggle("passed", result.passed);
  if (!result.stopped) {
    const done = passed();
    result.passed ? done.add(number) : done.delete(number);
    localStorage.setItem(PASSED_KEY, JSON.stringify([...done]));
    showList();
  }
  return result;
}

function stop() {
  micrograd.restart(TEXT.stopped);
}

function exportFile() {
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([view.state.doc.toString()], { type: "text/x-python" }));
  link.download = "micrograd_exercises.py";
  link.click();
  URL.revokeObjectURL(link.href);
}

async function importFile(event) {
  const file = event.target.files[0];
  event.target.value = "";
  if (!file) return;
  const text = await file.text();
  if (!file.name.endsWith(".py") || text.includes("\u0000")) {
    alert(TEXT.notPython.replace("{name}", file.name));
  } else if (confirm(TEXT.confirmImport.replace("{name}", file.name))) {
    setFile(text);
  }
}

checkButton.addEventListener("click", () =>
  checking ? stop() : check().catch((error) => (message.textContent = error.message)),
);
document.getElementById("export").addEventListener("click", exportFile);
document.getElementById("import").addEventListener("change", importFile);
document.getElementById("restart").addEventListener("click", async () => {
  if (confirm(TEXT.confirmRestart)) setFile(await micrograd.call("web_exercises", "starter", lang));
});

window.exercisesPage = { view, setFile, check, stop }; // the tests drive the page through these
window.exercisesPage.loaded = (async () => {
  exercises = await micrograd.call("web_exercises", "listing", lang);
  setFile(localStorage.getItem(FILE_KEY) ?? (await micrograd.call("web_exercises", "starter", lang)));
  showList();
})();
