/** The widget's style sheet; it lives inside the widget's shadow root, so the host page's styles neither leak in nor out. */
export const widgetStyles = `
:host {
  all: initial;
  --cw-accent: #4f46e5;
  --cw-accent-text: #ffffff;
  --cw-background: #ffffff;
  --cw-text: #1f2937;
  --cw-muted: #6b7280;
  --cw-bubble: #f3f4f6;
  position: fixed;
  z-index: 2147483000;
  bottom: 20px;
  right: 20px;
}
/* Fonts and colours are set on the widget's own elements: the page's rules may match the host element, never these. */
.launcher, .panel {
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
  color: var(--cw-text);
  text-align: left;
  letter-spacing: normal;
}
:host([data-position="left"]) { right: auto; left: 20px; }
* { box-sizing: border-box; }
[hidden] { display: none !important; }
.launcher {
  width: 56px; height: 56px; border-radius: 50%; border: none; cursor: pointer;
  background: var(--cw-accent); color: var(--cw-accent-text);
  box-shadow: 0 6px 20px rgba(0, 0, 0, .25);
  display: grid; place-items: center;
}
.launcher svg { width: 26px; height: 26px; fill: currentColor; }
.launcher:focus-visible, button:focus-visible, textarea:focus-visible { outline: 2px solid var(--cw-accent); outline-offset: 2px; }
.panel {
  position: absolute; bottom: 72px; right: 0;
  width: min(370px, calc(100vw - 40px)); height: min(540px, calc(100vh - 120px));
  display: flex; flex-direction: column;
  background: var(--cw-background); border-radius: 14px; overflow: hidden;
  box-shadow: 0 12px 40px rgba(0, 0, 0, .28);
}
:host([data-position="left"]) .panel { right: auto; left: 0; }
.head {
  display: flex; align-items: center; gap: 10px; padding: 12px 14px;
  background: var(--cw-accent); color: var(--cw-accent-text);
}
.head .title { flex: 1; min-width: 0; }
.head h2 { margin: 0; font-size: 15px; font-weight: 600; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.head .status { font-size: 12px; opacity: .85; }
.head .close { background: transparent; border: none; color: inherit; font-size: 22px; line-height: 1; cursor: pointer; padding: 2px 6px; }
.messages { flex: 1; overflow-y: auto; padding: 14px; margin: 0; list-style: none; display: flex; flex-direction: column; gap: 8px; }
.msg { display: flex; flex-direction: column; max-width: 85%; align-self: flex-start; }
.msg.mine { align-self: flex-end; align-items: flex-end; }
.msg .body {
  padding: 8px 12px; border-radius: 14px; background: var(--cw-bubble); color: var(--cw-text);
  white-space: pre-wrap; overflow-wrap: anywhere;
}
.msg.mine .body { background: var(--cw-accent); color: var(--cw-accent-text); }
.msg .note { font-size: 11px; color: var(--cw-muted); margin: 2px 6px 0; }
.msg.greeting .body { font-style: italic; }
.msg[data-status="unsent"] .body { opacity: .6; }
.caret { display: inline-block; width: 7px; height: 1em; margin-left: 2px; vertical-align: text-bottom; background: currentColor; animation: blink 1s steps(2) infinite; }
@keyframes blink { 50% { opacity: 0; } }
.typing { min-height: 18px; padding: 0 16px; font-size: 12px; color: var(--cw-muted); }
.composer { display: flex; gap: 8px; padding: 10px; border-top: 1px solid rgba(0, 0, 0, .08); }
.composer textarea {
  flex: 1; resize: none; border: 1px solid rgba(0, 0, 0, .15); border-radius: 10px; padding: 8px 10px;
  font: inherit; color: var(--cw-text); background: var(--cw-background); max-height: 120px;
}
.composer button {
  border: none; border-radius: 10px; padding: 0 14px; cursor: pointer; font: inherit; font-weight: 600;
  background: var(--cw-accent); color: var(--cw-accent-text);
}
.composer button:disabled { opacity: .5; cursor: default; }
.problem { margin: 0 14px 10px; padding: 8px 10px; border-radius: 8px; background: #fef2f2; color: #991b1b; font-size: 12px; }
`;
