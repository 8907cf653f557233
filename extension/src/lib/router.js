// The one runtime-message router. Every internal message goes through route(): the sender must be
// this extension, and each message type is accepted only from the sender kind declared in MsgFrom
// (content script in a web tab, or one of the extension's own pages). Anything else is dropped.

import { MsgFrom } from './messages.js';

export function senderKind(sender, { extensionId, extensionOrigin }) {
  if (!sender || sender.id !== extensionId) return null;
  const url = typeof sender.url === 'string' ? sender.url : '';
  if (url.startsWith(extensionOrigin)) return 'page';
  if (sender.tab && typeof sender.tab.id === 'number' && /^https?:\/\//.test(url)) return 'content';
  return null;
}

// handlers: { [Msg.X]: async (msg, sender) => reply }
export function createRouter({ handlers, extensionId, extensionOrigin, allowed = MsgFrom, onReject = () => {} }) {
  return function route(msg, sender) {
    const type = msg && typeof msg === 'object' ? msg.type : undefined;
    const kind = senderKind(sender, { extensionId, extensionOrigin });
    const want = allowed[type];
    const handler = handlers[type];
    if (!want || !handler || kind !== want) {
      onReject({ type, kind });
      return undefined;
    }
    return Promise.resolve().then(() => handler(msg, sender)).catch(e => ({ ok: false, error: { code: 'extension.error', detail: String(e && e.message || e) } }));
  };
}
