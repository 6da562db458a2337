// Safe markdown for the sample page: CommonMark (markdown-it, raw HTML off), then DOMPurify, then links limited to
// http, https and mailto (opened in a new tab, rel="noopener noreferrer"), images left as their text, and a copy button
// on every fenced code block. Message text is never inserted as HTML without going through all of that.
import markdownit from "./vendor/markdown-it.min.mjs";
import DOMPurify from "./vendor/purify.mjs";

const md = markdownit({ html: false, linkify: true, breaks: true, typographer: false });
md.disable("image"); // no remote images from message text: they would load whatever anyone links
const allowedLink = /^(https?:|mailto:)/i;
md.validateLink = (url) => allowedLink.test(url.trim());

const purifyOptions = {
  ALLOWED_TAGS: ["a", "b", "strong", "i", "em", "s", "del", "code", "pre", "p", "br", "hr", "blockquote", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "table", "thead", "tbody", "tr", "th", "td", "span"],
  ALLOWED_ATTR: ["href", "title", "start", "class"],
  ALLOW_DATA_ATTR: false,
  RETURN_DOM_FRAGMENT: true,
};

/** Renders markdown into a fragment of safe DOM. */
export function renderMarkdown(text) {
  const fragment = DOMPurify.sanitize(md.render(text ?? ""), purifyOptions);
  for (const a of fragment.querySelectorAll("a")) {
    const href = a.getAttribute("href") ?? "";
    if (!allowedLink.test(href.trim())) {
      a.replaceWith(document.createTextNode(a.textContent ?? ""));
      continue;
    }
    a.setAttribute("target", "_blank");
    a.setAttribute("rel", "noopener noreferrer");
  }
  for (const pre of fragment.querySelectorAll("pre")) {
    const wrap = document.createElement("div");
    wrap.className = "code-block";
    const copy = document.createElement("button");
    copy.type = "button";
    copy.className = "copy-code small";
    copy.textContent = "Copy";
    copy.setAttribute("aria-label", "Copy code");
    copy.addEventListener("click", () => copyText(pre.textContent ?? "", copy));
    pre.replaceWith(wrap);
    wrap.append(copy, pre);
  }
  return fragment;
}

/** The plain text markdown renders to, for previews and notifications. */
export function markdownToText(text) {
  const box = document.createElement("div");
  box.append(DOMPurify.sanitize(md.render(text ?? ""), purifyOptions));
  return (box.textContent ?? "").replace(/\s+/g, " ").trim();
}

/** Copies text to the clipboard and says so on the button. */
export async function copyText(text, button) {
  let ok = false;
  try {
    await navigator.clipboard.writeText(text);
    ok = true;
  } catch {
    // No clipboard permission (an insecure origin, a test browser): select-and-copy instead.
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.append(area);
    area.select();
    ok = document.execCommand("copy");
    area.remove();
  }
  if (button) {
    const label = button.textContent;
    button.textContent = ok ? "Copied" : "Copy failed";
    setTimeout(() => (button.textContent = label), 1500);
  }
  return ok;
}
