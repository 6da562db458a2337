/*
 * The Conversations chat widget's loader: a classic script, so a site adds one tag and nothing else.
 *
 *   <script src="https://chat.example.com/widget.js" data-agent-id="assistant" data-title="Ask us"
 *           data-token-url="/demo/guest-token" async></script>
 *
 * It reads its own data attributes and loads the widget module (by default `sdk/widget/widget.js` next to this file's
 * folder, or `data-module`), which mounts the chat bubble. See mountFromScript in widget/widget.ts for the attributes.
 */
(() => {
  const script = document.currentScript as HTMLScriptElement | null;
  if (!script || !script.src) {
    console.error("The Conversations widget must be loaded by a <script src=…> tag.");
    return;
  }
  const moduleUrl = new URL(script.dataset.module || "sdk/widget/widget.js", script.src).toString();
  import(moduleUrl)
    .then((widget: { mountFromScript(script: HTMLScriptElement): unknown }) => widget.mountFromScript(script))
    .catch((error: unknown) => console.error("The Conversations widget could not start.", error));
})();
