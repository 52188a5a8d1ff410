// The page of a micrograd graph. GRAPH (written by micrograd/viz/page.py) holds, for each Value v0, v1, ... of the SVG,
// its name, data, grad, operation and formula, children and the local derivatives the engine stored; `order` is the topological
// order that Value.backward() uses. Everything on the page is recomputed from those, in this file, with no network.
"use strict";

// --- The engine, as in micrograd/autograd.py: each operation gives its result and, beside it, the local derivative
// with respect to each input. `c` is the constant folded into the node (x + c, x * c, x / c, x ** c), if any.
// JavaScript's floats are IEEE-754 float64 as Python's are; its `/` already gives floats.py's divide (±Infinity or NaN
// for a zero divisor) and Math.log its _log (log(0) = -Infinity, log of a negative = NaN).

function pow(base, exponent) {
  // C's pow (micrograd/floats.py's c_pow). Math.pow differs only where the result is 1 whatever the other operand.
  if (base === 1 || exponent === 0) return 1; // C: pow(1, nan) = 1; JavaScript: NaN
  if (base === -1 && (exponent === Infinity || exponent === -Infinity)) return 1; // C: 1; JavaScript: NaN
  return Math.pow(base, exponent);
}

function power(x, n) {
  // x ** n for a constant n, with PyTorch's exact shortcuts (micrograd/floats.py's power)
  if (n === 2) return x * x;
  if (n === 3) return x * x * x;
  if (n === -1) return 1 / x;
  if (n === -2) return 1 / (x * x);
  if (n === 0.5) return Math.sqrt(x); // sqrt(-0) = -0, sqrt(negative) = NaN, as in C
  if (n === -0.5) return 1 / Math.sqrt(x);
  return pow(x, n);
}

// Two local derivatives are not plain numbers, as in autograd.py: 1/x, where it is not a normal float, is applied to a
// gradient as grad / x, as PyTorch does (_one_over); a cut passes 0 back whatever the gradient, inf and nan included.
const SMALLEST_NORMAL = 2.2250738585072014e-308;
function oneOver(x) {
  const r = 1 / x;
  return x !== 0 && Math.abs(r) >= SMALLEST_NORMAL && Math.abs(r) < Infinity ? r : { over: x };
}
const CUT = { cut: true };
const localValue = (local) => (local.cut ? 0 : local.over !== undefined ? 1 / local.over : local);
const applyLocal = (local, grad) => (local.cut ? 0 : local.over !== undefined ? grad / local.over : local * grad);

const OPS = new Map([
  // op: (children's data, constant) => [data, local derivatives]
  ["+", (xs, c) => {
    const ones = xs.map(() => 1);
    if (c === undefined) return [xs[0] + xs[1], ones]; // a + b
    if (!Array.isArray(c)) return [xs[0] + c, ones]; // x + c
    let total = 0; // sum(): its Values and its numbers, left to right; c holds (Values before it, number) pairs
    let next = 0;
    for (let i = 0; i <= xs.length; i++) {
      while (next < c.length && c[next][0] === i) total += c[next++][1];
      if (i < xs.length) total += xs[i];
    }
    return [total, ones];
  }],
  ["*", (xs, c) => xs.length === 2 ? [xs[0] * xs[1], [xs[1], xs[0]]] : [xs[0] * c, [c]]],
  ["/", (xs, c) => {
    if (xs.length === 1) return [xs[0] / c, [oneOver(c)]];
    const [a, b] = xs; // d(a/b)/da = 1/b;  d(a/b)/db = -a/b², computed as PyTorch does: -(a/b)/b
    const out = a / b;
    return [out, [oneOver(b), -(out / b)]];
  }],
  ["**", ([a, b]) => {
    // As in PyTorch: where b == 0 the base's edge is cut, where a == 0 with b >= 0 the exponent's derivative is 0
    const out = pow(a, b);
    return [out, [b === 0 ? CUT : b * pow(a, b - 1), a === 0 && b >= 0 ? 0 : out * Math.log(a)]];
  }],
  ["**n", ([x], n) => [power(x, n), n === 0 ? [] : [n * power(x, n - 1)]]], // x ** 0 is a constant: a cut
  ["relu", ([x]) => (x <= 0 ? [x < 0 ? 0 : x, []] : [x, [1]])], // x <= 0: a cut, not a multiplication by 0
  ["tanh", ([x]) => {
    const t = Math.tanh(x);
    return [t, [1 - t * t]];
  }],
  ["sigmoid", ([x]) => {
    const s = 1 / (1 + Math.exp(-x));
    return [s, [s * (1 - s)]];
  }],
  ["exp", ([x]) => {
    const e = Math.exp(x);
    return [e, [e]];
  }],
  ["log", ([x]) => [Math.log(x), [oneOver(x)]]],
  ["reciprocal", ([x]) => {
    const r = 1 / x; // d(1/x)/dx = -1/x², computed as -(1/x)², finite where x * x is not
    return [r, [-(r * r)]];
  }],
  ["linear", (xs) => {
    // children are (...inputs, ...weights, bias): sum(w * x) + bias, d/dw_i = x_i, d/dx_i = w_i, d/dbias = 1
    const n = (xs.length - 1) / 2;
    const inputs = xs.slice(0, n), weights = xs.slice(n, 2 * n);
    let total = xs[2 * n];
    for (let i = 0; i < n; i++) total += weights[i] * inputs[i];
    return [total, [...weights, ...inputs, 1]];
  }],
  ["bce_with_logits", ([x, t]) => {
    // micrograd/losses.py: (1 - t)·x - log σ(x), with log σ(x) = min(x, 0) - log(1 + exp(-|x|))
    const logSigmoid = Math.min(x, 0) - Math.log1p(Math.exp(-Math.abs(x)));
    return [(1 - t) * x - logSigmoid, [1 / (1 + Math.exp(-x)) - t, -x]];
  }],
]);

// --- Words, in both languages of the README

const WORDS = {
  en: {
    title: "Watch backprop happen",
    help: "Hover over a box (or focus it with Tab) to see its local derivatives and every number in full. Step " +
      "with the buttons or the keyboard: → step, ← back, space play/pause, Home reset.",
    noBackward: "No backward pass has run yet, so every grad is 0.",
    runBackward: "Run it step by step",
    reset: "Reset", back: "◀ Back", step: "Step ▶", play: "▶▶ Play", pause: "❚❚ Pause", result: "Show the result ▶▶|",
    legendLeaf: "leaf: a number you gave", legendParameter: "parameter: a leaf that training changes",
    legendComputed: "computed from its inputs", legendCut: "cut edge: no gradient flows back",
    detailsHint: "Hover over a box, or focus it, to see its local derivatives here.",
    valuesTitle: "Every Value, in full precision",
    editHelp: "Type a new number for a leaf and press Enter: the page recomputes the forward and backward passes.",
    columnValue: "Value", columnOp: "what it is",
    position: "step {p} of {total}",
    start: "Press → or Step ▶ to start: the forward pass computes each Value from its inputs, one at a time.",
    forward: "Forward: {expression} = {numbers} = {data}.",
    seed: "Backward starts at the output: {name}.grad = 1, because {d}/{d} = 1.",
    edge: "{child}.grad += local derivative × {parent}.grad = {local} × {grad} = {term}, so {child}.grad is now " +
      "{total}.",
    done: "Done: every grad is now {d}/d(that Value).",
    leaf: "a leaf (a number you gave)", parameter: "a parameter (a leaf)", computedBy: "computed: {expression}",
    localTitle: "Local derivatives and the chain rule",
    local: "{d}/{dchild} = {local}; {child}.grad += {local} × {grad} = {term}",
    cut: "{d}/{dchild}: none, a cut (relu of x ≤ 0, or a power with exponent 0): no gradient flows back to {child}",
    usedByTitle: "Gradient received from the Values that use it",
    usedBy: "from {parent}: {local} × {grad} = {term}",
    edgeTip: "{child} → {parent}: local derivative × grad = {local} × {grad} = {term}",
    edgeCut: "{child} → {parent}: cut, no gradient flows back",
    cutStep: "{childRef}.grad += 0: the edge {child} → {parent} is cut (the exponent is 0), so nothing flows back, " +
      "not even inf or nan, as in PyTorch.",
    keeps: "keeps {locals} for the backward pass",
    notComputed: "not computed yet",
    notANumber: "\"{text}\" is not a number",
    recomputed: "Recomputed with {name} = {data}.",
    cannotEdit: "Cannot edit {name}: it feeds {op}, an operation the page does not know (a custom_op).",
  },
  "pt-BR": {
    title: "Veja a retropropagação acontecer",
    help: "Passe o mouse sobre uma caixa (ou foque-a com Tab) para ver suas derivadas locais e cada número por " +
      "inteiro. Avance com os botões ou o teclado: → avança, ← volta, espaço reproduz/pausa, Home reinicia.",
    noBackward: "A retropropagação (backward) ainda não rodou, por isso todo grad é 0.",
    runBackward: "Rodá-la passo a passo",
    reset: "Reiniciar", back: "◀ Voltar", step: "Avançar ▶", play: "▶▶ Reproduzir", pause: "❚❚ Pausar",
    result: "Mostrar o resultado ▶▶|",
    legendLeaf: "folha: um número que você deu", legendParameter: "parâmetro: uma folha que o treino ajusta",
    legendComputed: "calculado a partir das suas entradas", legendCut: "aresta cortada: nenhum gradiente volta",
    detailsHint: "Passe o mouse sobre uma caixa, ou foque-a, para ver aqui as suas derivadas locais.",
    valuesTitle: "Todos os valores, com precisão total",
    editHelp: "Digite um novo número para uma folha e tecle Enter: a página refaz a passagem direta e a " +
      "retropropagação.",
    columnValue: "Valor", columnOp: "o que é",
    position: "passo {p} de {total}",
    start: "Tecle → ou Avançar ▶ para começar: a passagem direta calcula cada valor a partir das suas entradas, um " +
      "de cada vez.",
    forward: "Passagem direta: {expression} = {numbers} = {data}.",
    seed: "A retropropagação começa na saída: {name}.grad = 1, porque {d}/{d} = 1.",
    edge: "{child}.grad += derivada local × {parent}.grad = {local} × {grad} = {term}; agora {child}.grad vale " +
      "{total}.",
    done: "Pronto: cada grad agora é {d}/d(aquele valor).",
    leaf: "uma folha (um número que você deu)", parameter: "um parâmetro (uma folha)",
    computedBy: "calculado: {expression}",
    localTitle: "Derivadas locais e a regra da cadeia",
    local: "{d}/{dchild} = {local}; {child}.grad += {local} × {grad} = {term}",
    cut: "{d}/{dchild}: nenhuma, um corte (relu de x ≤ 0, ou uma potência de expoente 0): nenhum gradiente volta " +
      "para {child}",
    usedByTitle: "Gradiente recebido dos valores que o usam",
    usedBy: "de {parent}: {local} × {grad} = {term}",
    edgeTip: "{child} → {parent}: derivada local × grad = {local} × {grad} = {term}",
    edgeCut: "{child} → {parent}: corte, nenhum gradiente volta",
    cutStep: "{childRef}.grad += 0: a aresta {child} → {parent} é um corte (o expoente é 0), então nada volta, " +
      "nem inf nem nan, como no PyTorch.",
    keeps: "guarda {locals} para a retropropagação",
    notComputed: "ainda não calculado",
    notANumber: "\"{text}\" não é um número",
    recomputed: "Recalculado com {name} = {data}.",
    cannotEdit: "Não dá para editar {name}: ele alimenta {op}, uma operação que a página não conhece (uma custom_op).",
  },
};

let language = WORDS[document.documentElement.lang] ? document.documentElement.lang : "en";

function say(key, params = {}) {
  return WORDS[language][key].replace(/\{(\w+)\}/g, (_, name) => String(params[name]));
}

// --- Numbers: in full as Python's repr() writes them (the table, the tooltips, the details' data and grad), with
// 4 significant digits in sentences (0.5, not 0.4999999999999998), and in the boxes as draw_dot writes them.

function full(x) {
  return pythonRepr(x);
}

function boxNumber(x) {
  // micrograd/viz/dot.py's box_number: 4 decimals, or 3 significant digits (2.46e-5) where that would read 0.0000
  if (x === 0 || !Number.isFinite(x) || Math.abs(x) >= 1e-3) return pythonFormat(x, 4);
  const [mantissa, exponent] = pythonFormat(x, 2, "e").split("e");
  return mantissa.replace(/\.?0+$/, "") + "e" + Number(exponent);
}

function short(x, prose = true) {
  // 4 significant digits, trailing zeros dropped (0.5, -3.0, 0.7071, 6.881, 2.46e-5); in Portuguese prose, with a
  // decimal comma
  if (!Number.isFinite(x) || x === 0) return full(x);
  let text = Math.abs(x) < 1e-3 || Math.abs(x) >= 1e6 ? x.toExponential(3).replace("e+", "e")
    : x.toPrecision(4);
  text = text.replace(/(\.\d*?)0+(e|$)/, "$1$2").replace(/\.(e|$)/, "$1");
  if (!/[.e]/.test(text)) text += ".0";
  return prose && language === "pt-BR" ? text.replace(".", ",") : text;
}

// Python's repr(x): the shortest digits that read back as x (toExponential finds the same ones), in fixed notation
// for 1e-4 <= |x| < 1e16 and otherwise in scientific notation with an exponent of at least two digits (1e-05, 1e+16).
function pythonRepr(x) {
  if (Number.isNaN(x)) return "nan";
  if (!Number.isFinite(x)) return x > 0 ? "inf" : "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const sign = x < 0 ? "-" : "";
  const [mantissa, exponentText] = Math.abs(x).toExponential().split("e");
  const exponent = Number(exponentText);
  const digits = mantissa.replace(".", "");
  if (exponent < -4 || exponent >= 16) {
    return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + String(Math.abs(exponent)).padStart(2, "0");
  }
  if (exponent < 0) return sign + "0." + "0".repeat(-exponent - 1) + digits;
  return sign + digits.slice(0, exponent + 1).padEnd(exponent + 1, "0") + "." + (digits.slice(exponent + 1) || "0");
}

// Python's format(x, f".{places}f"), or f".{places}e" with style "e". toFixed and toExponential round the exact value
// as Python does, except at a tie: away from zero, where Python rounds to even (0.03125 -> 0.0312, not 0.0313).
function pythonFormat(x, places, style = "f") {
  if (!Number.isFinite(x)) return pythonRepr(x);
  const size = Math.abs(x);
  let rounded;
  if (style === "e") rounded = size.toExponential(places);
  else if (size >= 1e21) rounded = BigInt(size) + (places ? "." + "0".repeat(places) : ""); // toFixed's limit
  else rounded = size.toFixed(places);
  let [mantissa, exponent] = rounded.split("e");
  // The exact digits, cut where the rounding cuts them: a tie drops a 5 and zeros; Python then keeps an even digit
  const [digits, point] = exactDecimal(size);
  const significant = style === "e" ? digits.replace(/^0+/, "") : digits;
  const cut = style === "e" ? places + 1 : digits.length - point + places;
  if (/^50*$/.test(significant.slice(cut)) && Number(significant[cut - 1]) % 2 === 0) {
    mantissa = mantissa.slice(0, -1) + (Number(mantissa.slice(-1)) - 1); // rounded up from an even digit: no carry
  }
  const sign = x < 0 || Object.is(x, -0) ? "-" : "";
  return sign + mantissa + (exponent ? "e" + exponent[0] + exponent.slice(1).padStart(2, "0") : "");
}

// A finite float >= 0 exactly, as [digits, point]: it equals the integer `digits` / 10 ** point (with at least
// `point` digits). A float is m * 2 ** -k, which is m * 5 ** k / 10 ** k.
function exactDecimal(size) {
  let m = size;
  let k = 0;
  for (; !Number.isInteger(m); k++) m *= 2; // exact: a float that is not an integer is below 2 ** 52
  return [(BigInt(m) * 5n ** BigInt(k)).toString().padStart(k + 1, "0"), k];
}

// A number as Python's float() reads one, or null: digits may be grouped by single underscores (1_000) and be any
// script's decimal digits (١٢٣), and nan, inf and infinity may have a sign and any case.
function parseNumber(text) {
  const t = text.trim().toLowerCase().replace(/\p{Nd}/gu, digitValue);
  if (/^[-+]?(nan|inf|infinity)$/.test(t)) return t.includes("nan") ? NaN : t.startsWith("-") ? -Infinity : Infinity;
  const digits = "\\d+(?:_\\d+)*";
  const number = new RegExp(`^[-+]?(?:${digits}(?:\\.(?:${digits})?)?|\\.${digits})(?:e[-+]?${digits})?$`);
  if (!number.test(t)) return null;
  return Number(t.replaceAll("_", ""));
}

function digitValue(digit) {
  // Unicode's decimal digits come in runs of 0 to 9 (some runs follow each other, as 𝟎..𝟗 then 𝟘..𝟡)
  const code = digit.codePointAt(0);
  let zero = code;
  while (/\p{Nd}/u.test(String.fromCodePoint(zero - 1))) zero--;
  return String((code - zero) % 10);
}

// --- The graph: the SVG's groups for each Value, its op oval and its edges

const values = GRAPH.values;
const ROOT = 0; // trace() lists the root first
const svgGroups = new Map(); // title (v3, v3op, v3->v1op) -> its <g> elements, in document order
for (const g of document.querySelectorAll("#graph g.node, #graph g.edge")) {
  const title = g.querySelector("title").textContent;
  if (!svgGroups.has(title)) svgGroups.set(title, []);
  svgGroups.get(title).push(g);
}
const nodeGroup = (i) => svgGroups.get("v" + i)[0];
const opGroup = (i) => (svgGroups.get("v" + i + "op") || [])[0];
const opEdgeGroup = (i) => (svgGroups.get("v" + i + "op->v" + i) || [])[0];
const edgeGroups = values.map((value, parent) => {
  // the SVG edge of each input of each Value; an input used twice (a * a) has two edges with the same title
  const used = new Map();
  return value.children.map((child) => {
    const title = "v" + child + "->v" + parent + "op";
    const n = used.get(title) || 0;
    used.set(title, n + 1);
    return svgGroups.get(title)[n];
  });
});
const parentsOf = values.map(() => []); // for each Value, the (parent, input position) pairs that use it
values.forEach((value, parent) => value.children.forEach((child, k) => parentsOf[child].push([parent, k])));

// Each Value's name (micrograd/viz/dot.py's value_names): its label, a neuron's x1, w1, b, or the expression that
// made it (a * b, tanh(n)); the formula of a computed Value has {0}, {1}, ... where its inputs go.
const names = values.map((v) => v.name);
function fill(formula, inputs, areNames = true) {
  // a name next to an operator gets parentheses where it has spaces: (a * b) + c, but tanh(a * b); numbers never
  return formula.replace(/\{(\d+)\}/g, (placeholder, k, at) => {
    const text = inputs[Number(k)];
    const argument = /(\(|, )$/.test(formula.slice(0, at)) && /^(\)|,)/.test(formula.slice(at + placeholder.length));
    return argument || !areNames || !/[ ,;]/.test(text) ? text : "(" + text + ")";
  });
}
const name = (i) => names[i];
const ref = (i) => (/^[\w.]+$/.test(names[i]) ? names[i] : "(" + names[i] + ")"); // (x1*w1).grad, not x1*w1.grad
const dOf = (i) => "d" + ref(i); // d(a * b), as in d(a * b)/da
const isLeaf = (i) => values[i].children.length === 0;
const isEditable = (i) => isLeaf(i) && values[i].op === "";
const canRecompute = (i) => OPS.has(values[i].op);

// What the page shows: the data and local derivatives of every Value (Python's, until a leaf is edited) ...
const current = { data: values.map((v) => v.data), localGrads: values.map((v) => v.localGrads.slice()) };
// ... and the steps: compute each Value forward, then seed the output's grad, then one step per edge backward.
let steps = [];
const forwardCount = GRAPH.order.length;
const computed = new Set(GRAPH.order); // the others (leaves, constants) are known from the start

function buildSteps() {
  steps = GRAPH.order.map((node) => ({ kind: "forward", node }));
  steps.push({ kind: "seed", node: ROOT });
  for (const parent of GRAPH.order.slice().reverse()) { // as Value.backward(): zip(node._prev, node._local_grads)
    const locals = current.localGrads[parent];
    values[parent].children.forEach((child, k) => {
      if (k < locals.length) steps.push({ kind: "edge", parent, child, k });
    });
  }
}

// The state after the first p steps: which Values are computed, and every grad
function stateAt(p) {
  const known = values.map((v, i) => !computed.has(i));
  const grad = values.map(() => 0);
  for (const s of steps.slice(0, p)) {
    if (s.kind === "forward") known[s.node] = true;
    else if (s.kind === "seed") grad[s.node] += 1;
    else {
      grad[s.child] += applyLocal(current.localGrads[s.parent][s.k], grad[s.parent]); // child.grad += local * grad
    }
  }
  return { known, grad };
}

// --- Drawing the state

let position = 0;
let state = null;
let backwardShown = GRAPH.backwardHasRun;
let focused = null; // the Value whose details are shown
const $ = (id) => document.getElementById(id);

function setBoxText(i, known) {
  const texts = nodeGroup(i).querySelectorAll("text");
  const data = current.data[i];
  texts[texts.length - 2].textContent = "data " + (known ? boxNumber(data) : "?");
  texts[texts.length - 1].textContent = "grad " + boxNumber(state.grad[i]);
  // the tooltip: every number in full
  nodeGroup(i).querySelector("title").textContent = name(i) + "\ndata = " + (known ? full(data) : "?") +
    "\ngrad = " + full(state.grad[i]);
}

function render() {
  state = stateAt(position);
  const step = steps[position - 1];
  document.querySelectorAll("#graph .current, #graph .active").forEach((g) => g.classList.remove("current", "active"));
  values.forEach((v, i) => {
    setBoxText(i, state.known[i]);
    const g = nodeGroup(i);
    g.classList.toggle("pending", !state.known[i]);
    g.classList.toggle("not-finite", !(Number.isFinite(current.data[i]) && Number.isFinite(state.grad[i])));
    if (opGroup(i)) opGroup(i).classList.toggle("pending", !state.known[i]);
    edgeGroups[i].forEach((edge, k) => {
      const locals = current.localGrads[i];
      const cut = k >= locals.length || locals[k].cut === true;
      edge.classList.toggle("cut", cut);
      const words = { child: name(values[i].children[k]), parent: name(i) };
      const tip = cut ? say("edgeCut", words)
        : say("edgeTip", { ...words, local: short(localValue(locals[k])), grad: short(state.grad[i]),
          term: short(applyLocal(locals[k], state.grad[i])) });
      edge.querySelector("title").textContent = tip;
    });
  });
  if (step) {
    const node = step.kind === "edge" ? step.child : step.node;
    nodeGroup(node).classList.add("current");
    if (step.kind === "forward") {
      edgeGroups[node].forEach((edge) => edge.classList.add("active"));
      if (opEdgeGroup(node)) opEdgeGroup(node).classList.add("active");
    } else if (step.kind === "edge") {
      edgeGroups[step.parent][step.k].classList.add("active");
      nodeGroup(step.parent).classList.add("current");
    }
  }
  if (position > forwardCount) backwardShown = true;
  $("no-backward").hidden = backwardShown;
  $("position").textContent = say("position", { p: position, total: steps.length });
  $("explanation").textContent = explain(step);
  $("code-line").textContent = codeLine(step);
  $("back").disabled = $("reset").disabled = position === 0;
  $("step").disabled = position === steps.length;
  $("result").disabled = position === steps.length;
  $("explanation").classList.toggle("hint", position === 0);
  renderTable();
  if (focused !== null) showDetails(focused);
}

function explain(step) {
  if (!step) return say("start");
  const done = position === steps.length ? " " + say("done", { d: dOf(ROOT) }) : "";
  return explainStep(step) + done;
}

function explainStep(step) {
  if (step.kind === "forward") return say("forward", forwardWords(step.node));
  if (step.kind === "seed") return say("seed", { name: ref(step.node), d: dOf(step.node) });
  const local = current.localGrads[step.parent][step.k];
  if (local.cut) return say("cutStep", { childRef: ref(step.child), child: name(step.child), parent: name(step.parent) });
  return say("edge", { child: ref(step.child), parent: ref(step.parent), local: short(localValue(local)),
    grad: short(state.grad[step.parent]), term: short(applyLocal(local, state.grad[step.parent])),
    total: short(state.grad[step.child]) });
}

function forwardWords(node) {
  // o = tanh(n) = tanh(0.8814) = 0.7071: the formula with the inputs' names, then with their numbers
  const inputs = values[node].children;
  const separator = language === "pt-BR" ? "; " : ", "; // f(0,5; 1,0), not f(0,5, 1,0)
  const numbers = fill(values[node].formula, inputs.map((c) => short(current.data[c])), false)
    .replace(/, /g, separator);
  return { expression: expression(node), formula: fill(values[node].formula, inputs.map(name)), numbers,
    data: short(current.data[node]) };
}

function expression(node) {
  // o = tanh(n), or just a * b where the formula is the name
  const formula = fill(values[node].formula, values[node].children.map(name));
  return formula === name(node) ? formula : name(node) + " = " + formula;
}

function codeLine(step) {
  // the line of micrograd/autograd.py that the step runs
  if (!step) return "";
  if (step.kind === "forward") {
    // the Python that makes this Value, and the local derivatives the engine stores with it (micrograd/autograd.py)
    const words = forwardWords(step.node);
    const locals = current.localGrads[step.node].map((local, k) =>
      dOf(step.node) + "/" + dOf(values[step.node].children[k]) + " = " + (local.cut ? "0" : short(localValue(local), false)));
    return words.expression + (locals.length ? "  # " + say("keeps", { locals: locals.join(", ") }) : "");
  }
  if (step.kind === "seed") return "self.grad += 1.0  # d(self)/d(self)";
  const [child, parent] = [step.child, step.parent].map(ref);
  return "child.grad += local_grad * grad  # " + child + ".grad += " + dOf(step.parent) + "/" + dOf(step.child) + " × " +
    parent + ".grad";
}

function describeOp(i) {
  if (isLeaf(i) && values[i].op === "") return say(values[i].parameter ? "parameter" : "leaf");
  return say("computedBy", { expression: expression(i) });
}

function showDetails(i) {
  focused = i;
  const panel = $("details");
  panel.replaceChildren();
  const add = (parent, tag, text) => {
    const element = document.createElement(tag);
    element.textContent = text; // text, never HTML: a label cannot inject anything
    parent.appendChild(element);
    return element;
  };
  add(panel, "h3", name(i));
  add(panel, "p", describeOp(i));
  add(panel, "p", "data = " + (state.known[i] ? full(current.data[i]) : say("notComputed")));
  add(panel, "p", "grad = " + full(state.grad[i]));
  document.querySelectorAll("#graph .related").forEach((g) => g.classList.remove("related"));
  if (values[i].children.length) {
    add(panel, "h4", say("localTitle"));
    const list = add(panel, "ul", "");
    const locals = current.localGrads[i];
    values[i].children.forEach((child, k) => {
      const words = { d: dOf(i), child: ref(child), dchild: dOf(child) };
      if (k >= locals.length || locals[k].cut === true) {
        add(list, "li", say("cut", words)).className = "local";
        return;
      }
      const term = applyLocal(locals[k], state.grad[i]);
      add(list, "li", say("local", { ...words, local: short(localValue(locals[k])), grad: short(state.grad[i]),
        term: short(term) }))
        .className = "local";
      edgeGroups[i][k].classList.add("related");
    });
  }
  const uses = parentsOf[i].filter(([parent, k]) => k < current.localGrads[parent].length);
  if (uses.length) {
    add(panel, "h4", say("usedByTitle"));
    const list = add(panel, "ul", "");
    for (const [parent, k] of uses) {
      const local = current.localGrads[parent][k];
      add(list, "li", say("usedBy", { parent: name(parent), local: short(localValue(local)),
        grad: short(state.grad[parent]), term: short(applyLocal(local, state.grad[parent])) })).className = "used-by";
      edgeGroups[parent][k].classList.add("related");
    }
  }
}

function renderTable() {
  const body = document.querySelector("#values tbody");
  if (body.rows.length === 0) {
    values.forEach((v, i) => {
      const row = body.insertRow();
      row.dataset.node = i;
      for (let c = 0; c < 4; c++) row.insertCell();
      row.cells[0].textContent = name(i);
      if (isEditable(i)) {
        const input = document.createElement("input");
        input.type = "text";
        input.inputMode = "decimal";
        input.setAttribute("aria-label", name(i));
        input.addEventListener("change", () => editLeaf(i, input));
        row.cells[2].appendChild(input);
      }
    });
  }
  values.forEach((v, i) => {
    const row = body.rows[i];
    row.cells[1].textContent = describeOp(i);
    const input = row.cells[2].querySelector("input");
    if (input) {
      if (document.activeElement !== input) input.value = full(current.data[i]);
      input.dataset.value = full(current.data[i]);
    } else row.cells[2].textContent = state.known[i] ? full(current.data[i]) : "?";
    row.cells[3].textContent = full(state.grad[i]);
  });
}

// --- Editing a leaf: recompute every Value that depends on it, then replay backward to the end

const downstream = values.map(() => new Set()); // for each leaf, the computed Values that depend on it
for (const node of GRAPH.order) {
  for (const child of values[node].children) {
    if (isLeaf(child)) downstream[child].add(node);
    else for (const leaf of values.keys()) if (downstream[leaf].has(child)) downstream[leaf].add(node);
  }
}

function editLeaf(i, input) {
  const data = parseNumber(input.value);
  const message = $("edit-message");
  const blocking = [...downstream[i]].find((node) => !canRecompute(node));
  if (blocking !== undefined) {
    message.textContent = say("cannotEdit", { name: name(i), op: values[blocking].opText });
  } else if (data === null) {
    message.textContent = say("notANumber", { text: input.value });
  } else {
    current.data[i] = data;
    for (const node of GRAPH.order) {
      if (!downstream[i].has(node)) continue;
      const [result, locals] = OPS.get(values[node].op)(values[node].children.map((c) => current.data[c]),
        values[node].constant);
      current.data[node] = result;
      current.localGrads[node] = locals;
    }
    buildSteps();
    message.textContent = say("recomputed", { name: name(i), data: full(data) });
    input.value = full(data);
    position = steps.length;
    render();
    return;
  }
  input.value = full(current.data[i]);
}

// --- Controls: buttons and keyboard

let timer = null;

function goTo(p) {
  position = Math.max(0, Math.min(steps.length, p));
  if (position === steps.length) stopPlaying();
  render();
}

function stopPlaying() {
  clearInterval(timer);
  timer = null;
  $("play").textContent = say("play");
}

function togglePlay() {
  if (timer !== null) return stopPlaying();
  if (position === steps.length) goTo(0);
  timer = setInterval(() => goTo(position + 1), 700);
  $("play").textContent = say("pause");
}

function setLanguage(lang) {
  language = lang;
  document.documentElement.lang = lang;
  document.querySelectorAll("[data-i18n]").forEach((element) => {
    element.textContent = say(element.dataset.i18n);
  });
  document.querySelectorAll("[data-language]").forEach((button) => {
    button.setAttribute("aria-pressed", String(button.dataset.language === lang));
  });
  if (timer !== null) $("play").textContent = say("pause");
  render();
}

$("step").addEventListener("click", () => goTo(position + 1));
$("back").addEventListener("click", () => goTo(position - 1));
$("reset").addEventListener("click", () => { stopPlaying(); goTo(0); });
$("play").addEventListener("click", togglePlay);
$("result").addEventListener("click", () => goTo(steps.length));
$("run-backward").addEventListener("click", () => {
  goTo(forwardCount + 1);
  $("step").focus();
});
document.querySelectorAll("[data-language]").forEach((button) => {
  button.addEventListener("click", () => setLanguage(button.dataset.language));
});
document.addEventListener("keydown", (event) => {
  if (event.target instanceof HTMLInputElement || event.altKey || event.ctrlKey || event.metaKey) return;
  const actions = {
    ArrowRight: () => goTo(position + 1), ArrowDown: () => goTo(position + 1),
    ArrowLeft: () => goTo(position - 1), ArrowUp: () => goTo(position - 1),
    Home: () => { stopPlaying(); goTo(0); }, End: () => goTo(steps.length),
    " ": togglePlay,
  };
  if (!actions[event.key]) return;
  event.preventDefault(); // no scrolling, and no click of the focused button on top of the key's action
  actions[event.key]();
});
document.addEventListener("keyup", (event) => {
  if (event.key === " " && !(event.target instanceof HTMLInputElement)) event.preventDefault();
});
// Tooltips name what they show, never the SVG's ids (v3, v3op, %3); newer Graphviz (the browser's) gives no %3
const graphTitle = document.querySelector("#graph svg > g > title");
if (graphTitle) graphTitle.textContent = "";
values.forEach((v, i) => {
  if (opGroup(i)) opGroup(i).querySelector("title").textContent = expression(i);
  if (opEdgeGroup(i)) opEdgeGroup(i).querySelector("title").textContent = v.opText + " → " + name(i);
});
values.forEach((v, i) => {
  const groups = [nodeGroup(i), opGroup(i)].filter(Boolean);
  nodeGroup(i).setAttribute("tabindex", "0");
  nodeGroup(i).setAttribute("aria-label", name(i));
  for (const g of groups) {
    g.addEventListener("mouseenter", () => showDetails(i));
    g.addEventListener("focus", () => showDetails(i));
  }
});

// Graphviz's SVG is sized in points; the page may shrink it to the window, but never below 1 pixel per point, so that
// no text in it is smaller than its 12-point font: a wide graph scrolls instead.
const svg = document.querySelector("#graph svg");
svg.style.minWidth = svg.viewBox.baseVal.width + "px";

buildSteps();
$("result").hidden = !GRAPH.backwardHasRun; // a graph whose backward() ran may jump to its result
$("legend-parameter").hidden = !values.some((v) => v.parameter);
position = 0; // always from the start: the leaves, then one Value at a time
setLanguage(language);
if (GRAPH.focus !== null) { // the Value the page was opened for: marked, its details shown, in view
  nodeGroup(GRAPH.focus).classList.add("focus");
  showDetails(GRAPH.focus);
  nodeGroup(GRAPH.focus).scrollIntoView({ block: "center", inline: "center" });
}
