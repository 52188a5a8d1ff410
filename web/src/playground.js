// The playground: settings (kept in the URL), Train / Pause / Step / Reset, and the pictures Python sends back.
// Python (web_playground.py, in the worker) trains; this page only draws, so it stays responsive while training.
"use strict";

const TEXT = translatePage({
  ...SHARED_TEXT,
  dataset: { en: "Dataset", "pt-BR": "Conjunto de dados" },
  hidden: { en: "Hidden layers", "pt-BR": "Camadas ocultas" },
  activation: { en: "Activation", "pt-BR": "Ativação" },
  loss: { en: "Loss", "pt-BR": "Perda" },
  optimizer: { en: "Optimizer", "pt-BR": "Otimizador" },
  lr: { en: "Learning rate", "pt-BR": "Taxa de aprendizado" },
  batch: { en: "Batch (0: all)", "pt-BR": "Lote (0: todos)" },
  train: { en: "Train", "pt-BR": "Treinar" },
  pause: { en: "Pause", "pt-BR": "Pausar" },
  step: { en: "Step", "pt-BR": "Um passo" },
  reset: { en: "Reset", "pt-BR": "Recomeçar" },
  status: { en: "step {step} · loss {loss} · accuracy {accuracy}", "pt-BR": "passo {step} · perda {loss} · acurácia {accuracy}" },
  paused: { en: "paused", "pt-BR": "pausado" },
  training: { en: "training", "pt-BR": "treinando" },
  boundaryCaption: {
    en: "Decision boundary: the class the network gives each point of the plane",
    "pt-BR": "Fronteira de decisão: a classe que a rede dá a cada ponto do plano",
  },
  curvesCaption: { en: "Loss (black) and accuracy (green) per step", "pt-BR": "Perda (preto) e acurácia (verde) por passo" },
  neuronsTitle: { en: "Every neuron's output", "pt-BR": "A saída de cada neurônio" },
  neuronsHelp: {
    en:
      "Each square is one hidden neuron's output over the same plane (orange: high, blue: low). Click one to step " +
      "through its backprop at the current weights, on a point of the dataset where it is active.",
    "pt-BR":
      "Cada quadrado é a saída de um neurônio oculto sobre o mesmo plano (laranja: alta, azul: baixa). Clique num " +
      "deles para acompanhar a retropropagação nele, com os pesos atuais, num ponto do conjunto de dados onde ele está ativo.",
  },
  selected: { en: "Selected: layer {layer}, neuron {neuron}", "pt-BR": "Selecionado: camada {layer}, neurônio {neuron}" },
  close: { en: "Close the neuron's page", "pt-BR": "Fechar a página do neurônio" },
});

const CLASS_COLOURS = ["#f59322", "#0877bd", "#2ca02c"];
const AREA_COLOURS = ["#fbd7ad", "#b5d7ee", "#bfe3bf"];
const form = document.getElementById("settings");
const statusLine = document.getElementById("status");
const errorLine = document.getElementById("error");
const playground = { step: 0, fullAccuracy: 0, running: false, losses: [], accuracies: [], selected: null };
window.playground = playground; // the tests and measurements read it
let data = null;
let stepsPerCall = 5; // adapted so that one call to Python takes about 100 ms
let lastDrawn = 0;

function settingsFromUrl() {
  const query = new URLSearchParams(location.search);
  for (const element of form.elements) {
    if (query.has(element.name)) element.value = query.get(element.name);
  }
}

function settings() {
  const values = Object.fromEntries(new FormData(form));
  const url = new URL(location.href);
  for (const [name, value] of Object.entries(values)) url.searchParams.set(name, value);
  history.replaceState(null, "", url); // the URL is the shareable state
  const hidden = values.hidden.split(",").filter((s) => s.trim()).map(Number);
  return { ...values, hidden, lr: Number(values.lr), batch: Number(values.batch) };
}

function format(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, key) => values[key]);
}

function showError(error) {
  errorLine.hidden = !error;
  errorLine.textContent = error ? error.message : "";
}

function showStatus() {
  const loss = playground.losses.length ? playground.losses[playground.losses.length - 1].toFixed(4) : "–";
  const accuracy = `${Math.round(playground.fullAccuracy * 100)}%`;
  statusLine.textContent = `${format(TEXT.status, { step: playground.step, loss, accuracy })} · ${
    playground.running ? TEXT.training : TEXT.paused
  }`;
}

function drawBoundary(frame) {
  const canvas = document.getElementById("boundary");
  const context = canvas.getContext("2d");
  const cell = canvas.width / frame.grid;
  frame.boundary.forEach((label, i) => {
    context.fillStyle = AREA_COLOURS[label];
    context.fillRect((i % frame.grid) * cell, Math.floor(i / frame.grid) * cell, cell + 1, cell + 1);
  });
  const scale = canvas.width / (2 * data.reach);
  data.points.forEach(([x, y], i) => {
    context.beginPath();
    context.arc((x + data.reach) * scale, (data.reach - y) * scale, 3.5, 0, 2 * Math.PI);
    context.fillStyle = CLASS_COLOURS[data.labels[i]];
    context.fill();
    context.strokeStyle = "#fff";
    context.stroke();
  });
}

function drawCurves() {
  const canvas = document.getElementById("curves");
  const context = canvas.getContext("2d");
  context.clearRect(0, 0, canvas.width, canvas.height);
  const n = playground.losses.length;
  if (n < 2) return;
  const top = Math.max(...playground.losses.slice(0, 50), 1e-9);
  const line = (values, high, colour) => {
    context.beginPath();
    values.forEach((v, i) => {
      const x = (i / (n - 1)) * canvas.width;
      const y = canvas.height - (Math.min(v, high) / high) * (canvas.height - 4) - 2;
      i ? context.lineTo(x, y) : context.moveTo(x, y);
    });
    context.strokeStyle = colour;
    context.stroke();
  };
  line(playground.losses, top, "#000");
  line(playground.accuracies, 1, "#2ca02c");
}

function drawNeurons(frame) {
  const network = document.getElementById("network");
  const shape = frame.neurons.map((layer) => layer.length).join(",");
  if (network.dataset.shape !== shape) {
    network.dataset.shape = shape;
    network.textContent = "";
    frame.neurons.forEach((layer, l) => {
      const column = document.createElement("div");
      column.className = "layer";
      layer.forEach((_, n) => {
        const canvas = document.createElement("canvas");
        canvas.width = canvas.height = frame.grid;
        canvas.dataset.layer = l;
        canvas.dataset.neuron = n;
        canvas.tabIndex = 0;
        canvas.addEventListener("click", () => select(canvas));
        column.append(canvas);
      });
      network.append(column);
    });
  }
  frame.neurons.forEach((layer, l) =>
    layer.forEach((values, n) => {
      const canvas = network.querySelector(`canvas[data-layer="${l}"][data-neuron="${n}"]`);
      const context = canvas.getContext("2d");
      const image = context.createImageData(frame.grid, frame.grid);
      const low = Math.min(...values);
      const high = Math.max(...values);
      values.forEach((v, i) => {
        const t = high > low ? (v - low) / (high - low) : 0.5; // blue (low) to orange (high)
        image.data.set([8 + t * 237, 119 + t * 28, 189 - t * 155, 255], 4 * i);
      });
      context.putImageData(image, 0, 0);
    }),
  );
}

function select(canvas) {
  document.querySelectorAll(".network canvas.selected").forEach((c) => c.classList.remove("selected"));
  canvas.classList.add("selected");
  playground.selected = { layer: Number(canvas.dataset.layer), neuron: Number(canvas.dataset.neuron) };
  document.getElementById("selected").textContent = format(TEXT.selected, {
    layer: playground.selected.layer + 1,
    neuron: playground.selected.neuron + 1,
  });
  openNeuronPage(playground.selected).catch(showError);
}

let graphviz = null; // Graphviz compiled to WebAssembly (vendor/viz-global.js), loaded on the first neuron page

function loadGraphviz() {
  graphviz ||= new Promise((resolve, reject) => {
    const script = document.createElement("script");
    script.src = "vendor/viz-global.js";
    script.onload = () => Viz.instance().then(resolve, reject);
    script.onerror = () => reject(new Error("vendor/viz-global.js"));
    document.head.append(script);
  });
  return graphviz;
}

// micrograd's own step-through page (micrograd.viz.to_html) of the neuron, at the current weights, in a frame.
let latestPage = 0; // only the last neuron clicked gets its page shown

async function openNeuronPage({ layer, neuron }) {
  const request = ++latestPage;
  const frame = document.getElementById("neuron-page");
  frame.hidden = true;
  const dot = await micrograd.call("web_playground", "neuron_dot", layer, neuron, pageLanguage());
  const svg = (await loadGraphviz()).renderString(dot, { format: "svg" });
  const page = await micrograd.call("web_playground", "neuron_page", svg);
  if (request !== latestPage) return;
  frame.srcdoc = page;
  frame.hidden = false;
  document.getElementById("close-neuron-page").hidden = false;
}

document.getElementById("close-neuron-page").addEventListener("click", (event) => {
  event.target.hidden = document.getElementById("neuron-page").hidden = true;
});

function show(result) {
  playground.step = result.step;
  playground.losses.push(...result.loss);
  playground.accuracies.push(...result.accuracy);
  if (result.boundary) {
    playground.fullAccuracy = result.full_accuracy;
    drawBoundary(result);
    drawNeurons(result);
    drawCurves();
    lastDrawn = performance.now();
    if (playground.firstFrameMs === undefined) playground.firstFrameMs = lastDrawn;
  }
  showStatus();
}

async function trainSteps(steps, draw) {
  const started = performance.now();
  const result = await micrograd.call("web_playground", "train", steps, draw);
  show(result);
  return performance.now() - started;
}

async function run() {
  if (playground.running || !data) return;
  playground.running = true;
  showStatus();
  try {
    while (playground.running) {
      const draw = performance.now() - lastDrawn > 250; // a frame four times a second; the rest is training
      const took = await trainSteps(stepsPerCall, draw);
      if (!draw) stepsPerCall = Math.max(1, Math.min(500, Math.round((stepsPerCall * 100) / Math.max(took, 1))));
    }
  } catch (error) {
    showError(error);
  }
  playground.running = false;
  await trainSteps(0, true).catch(showError); // the last state, drawn
}

async function reset() {
  playground.running = false;
  Object.assign(playground, { step: 0, fullAccuracy: 0, losses: [], accuracies: [] });
  showError(null);
  try {
    data = await micrograd.call("web_playground", "reset", settings());
    await trainSteps(0, true);
  } catch (error) {
    data = null;
    showError(error);
  }
}

document.getElementById("train").addEventListener("click", run);
document.getElementById("pause").addEventListener("click", () => {
  playground.running = false;
  showStatus();
});
document.getElementById("step").addEventListener("click", () => {
  if (!playground.running && data) trainSteps(1, true).catch(showError);
});
document.getElementById("reset").addEventListener("click", reset);
form.addEventListener("change", reset);
form.addEventListener("submit", (event) => event.preventDefault());
settingsFromUrl();
playground.loaded = micrograd.ready.then(reset);
