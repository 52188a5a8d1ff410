// What the pages share: the language (?lang=pt-BR, default en), every [data-text] element filled in that language,
// a link to the other language that keeps the rest of the URL, and the file:// warning.
"use strict";

function pageLanguage() {
  const asked = new URLSearchParams(location.search).get("lang") || "en";
  return asked.toLowerCase().startsWith("pt") ? "pt-BR" : "en";
}

// `texts` is {key: {en: "...", "pt-BR": "..."}}; returns the texts of the page's language as {key: "..."}.
function translatePage(texts) {
  const lang = pageLanguage();
  const chosen = Object.fromEntries(Object.entries(texts).map(([key, both]) => [key, both[lang]]));
  document.documentElement.lang = lang;
  for (const element of document.querySelectorAll("[data-text]")) {
    element.textContent = chosen[element.dataset.text];
  }
  for (const link of document.querySelectorAll("a[data-keep-lang]")) {
    const url = new URL(link.getAttribute("href"), location.href);
    url.searchParams.set("lang", lang);
    link.href = url.href;
  }
  const other = document.getElementById("other-language");
  if (other) {
    const url = new URL(location.href);
    url.searchParams.set("lang", lang === "en" ? "pt-BR" : "en");
    other.href = url.href;
    other.textContent = lang === "en" ? "Português" : "English";
  }
  const fileNote = document.getElementById("file-note");
  if (fileNote) fileNote.hidden = location.protocol !== "file:";
  return chosen;
}

// The texts every page shows.
const SHARED_TEXT = {
  fileNote: {
    en:
      "You opened this page as a file: browsers refuse to run WebAssembly (and so Python) from file:// pages. " +
      "Serve the folder instead: run “python -m http.server” in it, then open http://localhost:8000",
    "pt-BR":
      "Você abriu esta página como arquivo: os navegadores não rodam WebAssembly (e, portanto, o Python) em páginas " +
      "file://. Sirva a pasta: rode “python -m http.server” dentro dela e abra http://localhost:8000",
  },
  home: { en: "micrograd in the browser", "pt-BR": "micrograd no navegador" },
  playground: { en: "Playground", "pt-BR": "Playground" },
  exercises: { en: "Exercises", "pt-BR": "Exercícios" },
};
