"""Three hints per exercise, in English and Portuguese: a nudge, then the rule, then the shape of the code.

`micrograd exercises hint N --level L` prints hint L of exercise N; a course.json can allow fewer (see grader.py).
"""

HINTS = {
    1: {
        "en": [
            "A derivative is a rate: how much f moves per unit that x moves, for a very small move.",
            "Move x by h to both sides and divide the change in f by the change in x, 2h (a central difference).",
            "return (f(x + h) - f(x - h)) / (2 * h)",
        ],
        "pt": [
            "Uma derivada é uma taxa: quanto f se move por unidade que x se move, num movimento bem pequeno.",
            "Mova x por h para os dois lados e divida a variação de f pela variação de x, 2h (uma diferença central).",
            "return (f(x + h) - f(x - h)) / (2 * h)",
        ],
    },
    2: {
        "en": [
            "The result is a new Value that remembers its two inputs and how the sum changes with each of them.",
            "d(a + b)/da = 1 and d(a + b)/db = 1. Where the lecture writes a _backward closure doing "
            "self.grad += 1.0 * out.grad, this engine stores the 1.0s and lets backward() multiply.",
            "other = other if isinstance(other, Value) else Value(other); "
            'return Value(self.data + other.data, (self, other), (1.0, 1.0), "+")',
        ],
        "pt": [
            "O resultado é um Value novo que lembra suas duas entradas e como a soma muda com cada uma.",
            "d(a + b)/da = 1 e d(a + b)/db = 1. Onde a aula escreve uma closure _backward que faz "
            "self.grad += 1.0 * out.grad, este motor guarda os 1.0 e deixa o backward() multiplicar.",
            "other = other if isinstance(other, Value) else Value(other); "
            'return Value(self.data + other.data, (self, other), (1.0, 1.0), "+")',
        ],
    },
    3: {
        "en": [
            "Like __add__: a new Value, its two inputs, and one local derivative for each.",
            "d(a * b)/da = b and d(a * b)/db = a: each factor's derivative is the other factor.",
            'return Value(self.data * other.data, (self, other), (other.data, self.data), "*")',
        ],
        "pt": [
            "Como o __add__: um Value novo, suas duas entradas e uma derivada local para cada.",
            "d(a * b)/da = b e d(a * b)/db = a: a derivada de cada fator é o outro fator.",
            'return Value(self.data * other.data, (self, other), (other.data, self.data), "*")',
        ],
    },
    4: {
        "en": [
            "One input, so one local derivative; math.tanh computes the forward value.",
            "d tanh(x)/dx = 1 - tanh(x)**2: it is easiest written with the output t.",
            't = math.tanh(self.data); return Value(t, (self,), (1 - t * t,), "tanh")',
        ],
        "pt": [
            "Uma entrada, então uma derivada local; math.tanh calcula o valor.",
            "d tanh(x)/dx = 1 - tanh(x)**2: mais fácil de escrever com a saída t.",
            't = math.tanh(self.data); return Value(t, (self,), (1 - t * t,), "tanh")',
        ],
    },
    5: {
        "en": [
            "e**x is its own derivative.",
            "d exp(x)/dx = exp(x): the output, not the input x.",
            'e = math.exp(self.data); return Value(e, (self,), (e,), "exp")',
        ],
        "pt": [
            "e**x é a sua própria derivada.",
            "d exp(x)/dx = exp(x): a saída, não a entrada x.",
            'e = math.exp(self.data); return Value(e, (self,), (e,), "exp")',
        ],
    },
    6: {
        "en": [
            "n is a plain number, not a Value: only self gets a local derivative.",
            "d x**n/dx = n * x**(n - 1), for any number n and any sign of x (no abs()).",
            'return Value(self.data**n, (self,), (n * self.data ** (n - 1),), f"**{n}")',
        ],
        "pt": [
            "n é um número comum, não um Value: só self recebe uma derivada local.",
            "d x**n/dx = n * x**(n - 1), para qualquer número n e qualquer sinal de x (sem abs()).",
            'return Value(self.data**n, (self,), (n * self.data ** (n - 1),), f"**{n}")',
        ],
    },
    7: {
        "en": [
            "A node can go into the list only after everything it was computed from.",
            "Depth-first: visit a node's inputs (_prev) first, then append the node; remember visited nodes in a set "
            "so that a node used twice appears once.",
            "order, visited = [], set(); def visit(node): if node not in visited: visited.add(node); "
            "for child in node._prev: visit(child); order.append(node). visit(root); return order",
        ],
        "pt": [
            "Um nó só pode entrar na lista depois de tudo de que ele foi calculado.",
            "Em profundidade: visite primeiro as entradas (_prev) de um nó, depois acrescente o nó; guarde os "
            "visitados num set para que um nó usado duas vezes apareça uma vez só.",
            "order, visited = [], set(); def visit(node): if node not in visited: visited.add(node); "
            "for child in node._prev: visit(child); order.append(node). visit(root); return order",
        ],
    },
    8: {
        "en": [
            "The output's gradient with respect to itself is 1; everything else follows from it, output first.",
            "Walk reversed(topological_order(self)); each node adds local derivative × its own grad to each input's "
            "grad (+=: an input used twice gets both contributions).",
            "self.grad = 1.0; for node in reversed(topological_order(self)): for child, local_grad in "
            "zip(node._prev, node._local_grads): child.grad += local_grad * node.grad",
        ],
        "pt": [
            "O gradiente da saída em relação a ela mesma é 1; todo o resto vem daí, a saída primeiro.",
            "Percorra reversed(topological_order(self)); cada nó soma derivada local × seu próprio grad ao grad de "
            "cada entrada (+=: uma entrada usada duas vezes recebe as duas contribuições).",
            "self.grad = 1.0; for node in reversed(topological_order(self)): for child, local_grad in "
            "zip(node._prev, node._local_grads): child.grad += local_grad * node.grad",
        ],
    },
    9: {
        "en": [
            "A neuron is a weighted sum of its inputs, plus a bias, squashed.",
            "out = tanh(w[0]*x[0] + w[1]*x[1] + ... + b), built from your Value operations so that backward() works; "
            "parameters() lists the weights, then the bias.",
            "total = self.b; for wi, xi in zip(self.w, x): total = total + wi * xi; return total.tanh(). "
            "parameters: return self.w + [self.b]",
        ],
        "pt": [
            "Um neurônio é uma soma ponderada das entradas, mais um viés, achatada.",
            "out = tanh(w[0]*x[0] + w[1]*x[1] + ... + b), montado com as suas operações de Value para que o "
            "backward() funcione; parameters() lista os pesos, depois o viés.",
            "total = self.b; for wi, xi in zip(self.w, x): total = total + wi * xi; return total.tanh(). "
            "parameters: return self.w + [self.b]",
        ],
    },
    10: {
        "en": [
            "Four moves: the loss, clean gradients, backward, a small step downhill.",
            "Gradients accumulate, so reset every p.grad to 0 before loss.backward(); then p.data -= lr * p.grad.",
            "loss = sum((model(x) - y) ** 2 for x, y in zip(xs, ys)); for p in model.parameters(): p.grad = 0.0; "
            "loss.backward(); for p in model.parameters(): p.data -= lr * p.grad; return loss.data",
        ],
        "pt": [
            "Quatro movimentos: a perda, gradientes limpos, backward, um passo pequeno morro abaixo.",
            "Os gradientes se acumulam, então zere todo p.grad antes do loss.backward(); depois p.data -= lr * p.grad.",
            "loss = sum((model(x) - y) ** 2 for x, y in zip(xs, ys)); for p in model.parameters(): p.grad = 0.0; "
            "loss.backward(); for p in model.parameters(): p.data -= lr * p.grad; return loss.data",
        ],
    },
    11: {
        "en": [
            "relu lets positive numbers through and turns the others into 0.",
            "d relu(x)/dx is 1 where x > 0 and 0 elsewhere, 0 at x = 0 too (PyTorch's choice).",
            'return Value(max(0.0, self.data), (self,), (1.0 if self.data > 0 else 0.0,), "relu")',
        ],
        "pt": [
            "A relu deixa passar os números positivos e transforma os outros em 0.",
            "d relu(x)/dx é 1 onde x > 0 e 0 no resto, 0 também em x = 0 (a escolha do PyTorch).",
            'return Value(max(0.0, self.data), (self,), (1.0 if self.data > 0 else 0.0,), "relu")',
        ],
    },
    12: {
        "en": [
            "Two operations with edges: nothing divides by 0, and log is defined only above 0. Python's own / and "
            "math.log already raise there: let them.",
            "d(a / b)/da = 1 / b, d(a / b)/db = -a / b**2; d log(x)/dx = 1 / x.",
            'a, b = self.data, other.data; return Value(a / b, (self, other), (1 / b, -a / b**2), "/"). '
            'log: return Value(math.log(self.data), (self,), (1 / self.data,), "log")',
        ],
        "pt": [
            "Duas operações com bordas: nada se divide por 0, e o log só existe acima de 0. O / e o math.log do "
            "Python já lançam erros aí: deixe-os lançar.",
            "d(a / b)/da = 1 / b, d(a / b)/db = -a / b**2; d log(x)/dx = 1 / x.",
            'a, b = self.data, other.data; return Value(a / b, (self, other), (1 / b, -a / b**2), "/"). '
            'log: return Value(math.log(self.data), (self,), (1 / self.data,), "log")',
        ],
    },
    13: {
        "en": [
            "A layer is a list of neurons that see the same inputs; an MLP is a list of layers, one after another.",
            "Layer: [n(x) for n in self.neurons] (the Value itself if there is one); MLP: x = layer(x) for each "
            "layer. parameters() gathers the lists in order.",
            "Layer.__call__: outs = [n(x) for n in self.neurons]; return outs[0] if len(outs) == 1 else outs. "
            "MLP.__call__: for layer in self.layers: x = layer(x); return x. "
            "parameters: return [p for n in self.neurons for p in n.parameters()] (layers likewise)",
        ],
        "pt": [
            "Uma camada é uma lista de neurônios que veem as mesmas entradas; um MLP é uma lista de camadas, uma "
            "depois da outra.",
            "Layer: [n(x) for n in self.neurons] (o próprio Value se há um só); MLP: x = layer(x) para cada camada. "
            "parameters() junta as listas em ordem.",
            "Layer.__call__: outs = [n(x) for n in self.neurons]; return outs[0] if len(outs) == 1 else outs. "
            "MLP.__call__: for layer in self.layers: x = layer(x); return x. "
            "parameters: return [p for n in self.neurons for p in n.parameters()] (camadas do mesmo jeito)",
        ],
    },
    14: {
        "en": [
            "You have every piece: an MLP (exercise 13) and a training step (exercise 10). Repeat the step.",
            "Two inputs, one output whose sign is the class; a small MLP, a small learning rate, some steps; keep "
            "each step's loss to see it go down.",
            "model = MLP(2, [8, 8, 1]); losses = [training_step(model, xs, ys, lr=0.02) for _ in range(100)]; "
            "return model, losses",
        ],
        "pt": [
            "Você tem todas as peças: um MLP (exercício 13) e um passo de treino (exercício 10). Repita o passo.",
            "Duas entradas, uma saída cujo sinal é a classe; um MLP pequeno, uma taxa de aprendizado pequena, "
            "alguns passos; guarde a perda de cada passo para vê-la cair.",
            "model = MLP(2, [8, 8, 1]); losses = [training_step(model, xs, ys, lr=0.02) for _ in range(100)]; "
            "return model, losses",
        ],
    },
    15: {
        "en": [
            "Softmax turns scores into probabilities: positive, adding up to 1. The loss is small when the target's "
            "probability is near 1.",
            "p_i = exp(l_i - m) / sum_j exp(l_j - m) with m the largest logit's data (exp(1000) overflows); "
            "nll = -log(p_target). Use Value operations so the gradient flows.",
            "m = max(l.data for l in logits); exps = [(l - m).exp() for l in logits]; total = sum(exps); "
            "return [e / total for e in exps]. nll: return -probabilities[target].log()",
        ],
        "pt": [
            "O softmax transforma pontuações em probabilidades: positivas, somando 1. A perda é pequena quando a "
            "probabilidade do alvo está perto de 1.",
            "p_i = exp(l_i - m) / soma_j exp(l_j - m) com m o data do maior logit (exp(1000) estoura); "
            "nll = -log(p_alvo). Use operações de Value para o gradiente passar.",
            "m = max(l.data for l in logits); exps = [(l - m).exp() for l in logits]; total = sum(exps); "
            "return [e / total for e in exps]. nll: return -probabilities[target].log()",
        ],
    },
    16: {
        "en": [
            "backward() gives one answer, nudging gives another: they must agree for every input.",
            "For each input i: numeric = (f(.., x_i + h, ..) - f(.., x_i - h, ..)).data / (2h), with new Values for "
            "each call; compare with the grad backward() gave, within tolerance * max(1, |numeric|).",
            "values = [Value(x) for x in xs]; f(*values).backward(); for each i: up, down = copies of xs with "
            "x_i ± h; numeric = (f(*map(Value, up)).data - f(*map(Value, down)).data) / (2 * h); "
            "if abs(values[i].grad - numeric) > tolerance * max(1.0, abs(numeric)): return False. return True",
        ],
        "pt": [
            "O backward() dá uma resposta, empurrar dá outra: elas precisam concordar para cada entrada.",
            "Para cada entrada i: numérico = (f(.., x_i + h, ..) - f(.., x_i - h, ..)).data / (2h), com Values "
            "novos a cada chamada; compare com o grad do backward(), dentro de tolerance * max(1, |numérico|).",
            "values = [Value(x) for x in xs]; f(*values).backward(); para cada i: up, down = cópias de xs com "
            "x_i ± h; numeric = (f(*map(Value, up)).data - f(*map(Value, down)).data) / (2 * h); "
            "if abs(values[i].grad - numeric) > tolerance * max(1.0, abs(numeric)): return False. return True",
        ],
    },
    17: {
        "en": [
            "Check each line against one rule of the chain rule; only one line is wrong.",
            "Through a product a * b, the gradient reaching a is multiplied by the other factor, b.",
            "Look at dL_da: it should be dL_dd * b.",
        ],
        "pt": [
            "Confira cada linha com uma regra da regra da cadeia; só uma linha está errada.",
            "Num produto a * b, o gradiente que chega em a é multiplicado pelo outro fator, b.",
            "Olhe o dL_da: ele deveria ser dL_dd * b.",
        ],
    },
    18: {
        "en": [
            "The weights' gradients share one factor, do/dn; check it first.",
            "d tanh(n)/dn = 1 - tanh(n)**2: one minus the output squared, not the input.",
            "do_dn = 1 - o**2",
        ],
        "pt": [
            "Os gradientes dos pesos têm um fator em comum, do/dn; confira-o primeiro.",
            "d tanh(n)/dn = 1 - tanh(n)**2: um menos a saída ao quadrado, não a entrada.",
            "do_dn = 1 - o**2",
        ],
    },
    19: {
        "en": [
            "a reaches L by two paths, through d and through e.",
            "The chain rule sums over paths: both contributions add up (+=), as in backward().",
            "dL_da += dL_de  # through e",
        ],
        "pt": [
            "a chega em L por dois caminhos, por d e por e.",
            "A regra da cadeia soma sobre os caminhos: as duas contribuições se somam (+=), como no backward().",
            "dL_da += dL_de  # por e",
        ],
    },
}
