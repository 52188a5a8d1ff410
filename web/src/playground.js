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
  neuronsTitle: {
    en: "The network: every neuron's output, every weight",
    "pt-BR": "A rede: a saída de cada neurônio, cada peso",
  },
  neuronsHelp: {
    en:
      "Each square is one neuron's output over the same plane (orange: high, blue: low), from the inputs x₁ and x₂ " +
      "on the left to the output on the right; each line is a weight (orange: positive, blue: negative, thicker: " +
      "larger). Click a neuron or a weight to step through its backprop at the current weights, on a point of the " +
      "dataset where gradients reach it.",
    "pt-BR":
      "Cada quadrado é a saída de um neurônio sobre o mesmo plano (laranja: alta, azul: baixa), das entradas x₁ e x₂, " +
      "à esquerda, até a saída, à direita; cada linha é um peso (laranja: positivo, azul: negativo; quanto mais " +
      "grossa, maior). Clique num neurônio ou num peso para acompanhar a retropropagação nele, com os pesos atuais, " +
      "num ponto do conjunto de dados em que os gradientes chegam até ele.",
  },
  inputs: { en: "inputs", "pt-BR": "entradas" },
  input1: { en: "x₁", "pt-BR": "x₁" },
  input2: { en: "x₂", "pt-BR": "x₂" },
  layer: { en: "layer {layer}", "pt-BR": "camada {layer}" },
  output: { en: "output", "pt-BR": "saída" },
  neuronTitle: { en: "layer {layer}, neuron {neuron}", "pt-BR": "camada {layer}, neurônio {neuron}" },
  fromNeuron: { en: "neuron {neuron}", "pt-BR": "neurônio {neuron}" },
  weightTitle: {
    en: "weight w{weight} of layer {layer}, neuron {neuron} (from {from})",
    "pt-BR": "peso w{weight} da camada {layer}, neurônio {neuron} (vindo de {from})",
  },
  selected: { en: "Selected: layer {layer}, neuron {neuron}", "pt-BR": "Selecionado: camada {layer}, neurônio {neuron}" },
  selectedWeight: { en: "Selected: {weight}", "pt-BR": "Selecionado: {weight}" },
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

// The network: a column of heat maps per layer (the inputs x₁ and x₂ first, the output last) and a line per weight
// between them, drawn in an SVG laid over the columns (lines only cross the gaps, so the heat maps stay clickable).
const SVG = "http://www.w3.org/2000/svg";

function heatMap(canvas, values) {
  const context = canvas.getContext("2d");
  const image = context.createImageData(canvas.width, canvas.height);
  const low = Math.min(...values);
  const high = Math.max(...values);
  values.forEach((v, i) => {
    const t = high > low ? (v - low) / (high - low) : 0.5; // blue (low) to orange (high)
    image.data.set([8 + t * 237, 119 + t * 28, 189 - t * 155, 255], 4 * i);
  });
  context.putImageData(image, 0, 0);
}

function buildNetwork(network, frame) {
  network.textContent = "";
  const columns = [[TEXT.input1, TEXT.input2], ...frame.neurons];
  columns.forEach((layer, c) => {
    const column = document.createElement("div");
    column.className = "layer";
    const caption = document.createElement("span");
    caption.className = "layer-name";
    const last = c === columns.length - 1;
    caption.textContent = c === 0 ? TEXT.inputs : last ? TEXT.output : format(TEXT.layer, { layer: c });
    column.append(caption);
    layer.forEach((item, n) => {
      const canvas = document.createElement("canvas");
      canvas.width = canvas.height = frame.grid;
      if (c === 0) {
        canvas.className = "input";
        canvas.title = item;
      } else {
        canvas.dataset.layer = c - 1;
        canvas.dataset.neuron = n;
        canvas.tabIndex = 0;
        canvas.title = format(TEXT.neuronTitle, { layer: c, neuron: n + 1 });
        canvas.addEventListener("click", () => select({ layer: c - 1, neuron: n }));
        canvas.addEventListener("keydown", (event) => event.key === "Enter" && select({ layer: c - 1, neuron: n }));
      }
      column.append(canvas);
    });
    network.append(column);
  });
  const lines = document.createElementNS(SVG, "svg");
  lines.classList.add("weights");
  network.append(lines);
  const box = network.getBoundingClientRect();
  const at = (canvas, side) => {
    const r = canvas.getBoundingClientRect();
    return [side === "right" ? r.right - box.left : r.left - box.left, r.top + r.height / 2 - box.top];
  };
  lines.setAttribute("width", box.width);
  lines.setAttribute("height", box.height);
  const column = (c) => network.children[c].querySelectorAll("canvas");
  frame.weights.forEach((layer, l) =>
    layer.forEach((weights, n) =>
      weights.forEach((_, k) => {
        const [x1, y1] = at(column(l)[k], "right");
        const [x2, y2] = at(column(l + 1)[n], "left");
        const weight = document.createElementNS(SVG, "g"); // the line seen, and a wider one that catches the click
        Object.assign(weight.dataset, { layer: l, neuron: n, weight: k });
        weight.append(document.createElementNS(SVG, "title"));
        for (const kind of ["seen", "hit"]) {
          const line = document.createElementNS(SVG, "line");
          line.classList.add(kind);
          Object.entries({ x1, y1, x2, y2 }).forEach(([name, value]) => line.setAttribute(name, value));
          weight.append(line);
        }
        weight.addEventListener("click", () => select({ layer: l, neuron: n, weight: k }));
        lines.append(weight);
      }),
    ),
  );
}

function drawNetwork(frame) {
  const network = document.getElementById("network");
  const shape = frame.neurons.map((layer) => layer.length).join(",");
  if (network.dataset.shape !== shape) {
    network.dataset.shape = shape;
    buildNetwork(network, frame);
  }
  const cells = [...Array(frame.grid * frame.grid).keys()];
  const [x1, x2] = network.querySelectorAll("canvas.input");
  heatMap(x1, cells.map((i) => i % frame.grid)); // x₁ grows to the right, x₂ upwards
  heatMap(x2, cells.map((i) => -Math.floor(i / frame.grid)));
  frame.neurons.forEach((layer, l) =>
    layer.forEach((values, n) => {
      heatMap(network.querySelector(`canvas[data-layer="${l}"][data-neuron="${n}"]`), values);
    }),
  );
  const largest = Math.max(...frame.weights.flat(2).map(Math.abs), 1e-12);
  network.querySelectorAll("svg.weights g").forEach((g) => {
    const [layer, neuron, weight] = [g.dataset.layer, g.dataset.neuron, g.dataset.weight].map(Number);
    const w = frame.weights[layer][neuron][weight];
    const line = g.querySelector("line.seen");
    line.style.stroke = w >= 0 ? CLASS_COLOURS[0] : CLASS_COLOURS[1];
    line.style.strokeWidth = 0.5 + (3 * Math.abs(w)) / largest;
    g.querySelector("title").textContent = `${weightName({ layer, neuron, weight })} = ${w.toFixed(4)}`;
  });
}

function weightName({ layer, neuron, weight }) {
  const input = weight === 0 ? TEXT.input1 : TEXT.input2;
  const from = layer === 0 ? input : format(TEXT.fromNeuron, { neuron: weight + 1 });
  return format(TEXT.weightTitle, { weight: weight + 1, layer: layer + 1, neuron: neuron + 1, from });
}

function select(chosen) {
  document.querySelectorAll(".network .selected").forEach((e) => e.classList.remove("selected"));
  const { layer, neuron, weight } = chosen;
  if (weight === undefined) {
    document.querySelector(`.network canvas[data-layer="${layer}"][data-neuron="${neuron}"]`).classList.add("selected");
  } else {
    document
      .querySelector(`.network g[data-layer="${layer}"][data-neuron="${neuron}"][data-weight="${weight}"]`)
      .classList.add("selected");
  }
  playground.selected = chosen;
  document.getElementById("selected").textContent =
    weight === undefined
      ? format(TEXT.selected, { layer: layer + 1, neuron: neuron + 1 })
      : format(TEXT.selectedWeight, { weight: weightName(chosen) });
  openNeuronPage(chosen).catch(showError);
}

// micrograd's own step-through page (micrograd.viz.to_html) of the neuron, at the current weights, in a frame; for a
// weight, the page of the neuron it feeds, with the weight marked.
let latestPage = 0; // only the last neuron clicked gets its page shown

async function openNeuronPage({ layer, neuron, weight = null }) {
  const request = ++latestPage;
  const frame = document.getElementById("neuron-page");
  frame.hidden = true;
  const dot = await micrograd.call("web_playground", "neuron_dot", layer, neuron, pageLanguage(), weight);
  const svg = await micrograd.layOut(dot);
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
    drawNetwork(result);
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
