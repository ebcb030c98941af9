// The chat page: one WebSocket to /ws, speaking the TCP client's lines, one text frame per line.
// Every piece of text reaches the page through textContent, never as markup; the server's policy
// (Trusted Types) would refuse a string given to innerHTML anyway.
'use strict';

(() => {
  const log = document.getElementById('log');
  const statusLine = document.getElementById('status');
  const reconnectButton = document.getElementById('reconnect');
  const peopleToggle = document.getElementById('people-toggle');
  const peoplePanel = document.getElementById('people');
  const peopleList = document.getElementById('people-list');
  const count = document.getElementById('count');
  const form = document.getElementById('send');
  const input = document.getElementById('text');

  const maxLine = Number(document.body.dataset.maxLine) || 8192;
  // A receive-only server takes every line as a message: no commands, no relays, nobody to list.
  const relay = document.body.dataset.relay !== 'false';
  const encoder = new TextEncoder();
  const MAX_LOG_LINES = 2000;
  const MAX_BACKOFF_MS = 30000;

  let socket = null;
  let me = null; // how /who shows this page: nick@ip:port or ip:port
  const people = new Set();
  let pageWhos = 0; // replies to the /who the page sent itself: kept out of the log
  let whoReply = null; // while a /who reply is arriving: whether it is shown
  let attempt = 0;
  let retryTimer = null;
  let stopped = null; // why the page does not reconnect by itself: 'quit', 'idle' or null
  let wasOpen = false;
  let everOpen = false;
  let pending = null; // a message typed while disconnected, sent once connected

  // --- The log ---------------------------------------------------------------------------------

  function clock() {
    const t = new Date();
    return String(t.getHours()).padStart(2, '0') + ':' + String(t.getMinutes()).padStart(2, '0');
  }

  /** Adds an item to the log, stamped now, or at {@code when} for history (HH:MM:SS as the server sent it). */
  function append(item, when) {
    const atBottom = log.scrollHeight - log.scrollTop - log.clientHeight < 48;
    const time = document.createElement('time');
    time.textContent = when ? when.slice(0, 5) : clock();
    item.prepend(time);
    log.append(item);
    while (log.childElementCount > MAX_LOG_LINES) {
      log.firstElementChild.remove();
    }
    if (atBottom) {
      log.scrollTop = log.scrollHeight;
    }
  }

  /** A line of the server's own: a notice, a reply, the greeting. */
  function addLine(text, kind, when) {
    const item = document.createElement('li');
    item.className = kind;
    item.append(text);
    append(item, when);
  }

  /** A message: who sent it, as everyone in the room sees it, and what. */
  function addMessage(sender, text, own, when) {
    const item = document.createElement('li');
    item.className = (own ? 'msg own' : 'msg') + (when ? ' past' : '');
    const from = document.createElement('span');
    from.className = 'sender';
    from.textContent = sender;
    const body = document.createElement('span');
    body.className = 'text';
    body.textContent = text;
    item.append(from, ' : ', body);
    append(item, when);
  }

  // --- Who is here -----------------------------------------------------------------------------

  function renderPeople() {
    const items = [...people].sort().map((label) => {
      const li = document.createElement('li');
      li.textContent = label === me ? label + ' (you)' : label;
      if (label === me) {
        li.className = 'me';
      }
      return li;
    });
    peopleList.replaceChildren(...items);
    count.textContent = String(people.size);
  }

  /** nick@ip:port or ip:port or [::1]:port, as /who shows it, to nick@ip or ip, as messages show it. */
  function senderOf(label) {
    const at = label.indexOf('@');
    const nick = at >= 0 ? label.slice(0, at) : null;
    let address = at >= 0 ? label.slice(at + 1) : label;
    const v6 = /^\[(.*)\]:\d+$/.exec(address);
    address = v6 ? v6[1] : address.replace(/:\d+$/, '');
    return nick ? nick + '@' + address : address;
  }

  function ownSender() {
    return me ? senderOf(me) : 'you';
  }

  function ownName() {
    const sender = ownSender();
    const at = sender.indexOf('@');
    return at >= 0 ? sender.slice(0, at) : sender;
  }

  /** Keeps the list of who is here up to date from a notice; whether the line was one. */
  function presence(line) {
    let m = /^\* (\S+) joined$/.exec(line);
    if (m) {
      people.add(m[1]);
      return true;
    }
    m = /^\* (\S+) left( \(.*\))?$/.exec(line);
    if (m) {
      people.delete(m[1]);
      return true;
    }
    m = /^\* (\S+) is now (\S+)$/.exec(line);
    if (m) {
      people.delete(m[1]);
      const at = m[1].indexOf('@');
      people.add(m[2] + '@' + (at >= 0 ? m[1].slice(at + 1) : m[1]));
      return true;
    }
    m = /^\* you are now (\S+)$/.exec(line);
    if (m) {
      if (me) {
        people.delete(me);
      }
      me = m[1];
      people.add(me);
      return true;
    }
    return false;
  }

  // --- Lines from the server -------------------------------------------------------------------

  function onLine(line) {
    const head = /^\* \d+ here:$/.exec(line);
    if (head) {
      whoReply = { shown: pageWhos === 0 };
      if (pageWhos > 0) {
        pageWhos--;
      }
      people.clear();
      renderPeople();
      if (whoReply.shown) {
        addLine(line, 'notice');
      }
      return;
    }
    if (whoReply) {
      const item = /^\* {3}(.+)$/.exec(line);
      if (item) {
        const you = /^(\S+) \(you\)$/.exec(item[1]);
        if (you) {
          me = you[1];
          people.add(me);
        } else if (!/^and \d+ more$/.test(item[1])) {
          people.add(item[1]);
        }
        renderPeople();
        if (whoReply.shown) {
          addLine(line, 'notice');
        }
        return;
      }
      whoReply = null;
    }
    // History a joiner is shown, between "* last N messages:" and "* end of history": [HH:MM:SS] and the line.
    const past = /^\[(\d\d:\d\d:\d\d)\] (.*)$/.exec(line);
    if (past) {
      const at = past[2].indexOf(' : ');
      if (!past[2].startsWith('* ') && at > 0) {
        addMessage(past[2].slice(0, at), past[2].slice(at + 3), false, past[1]);
      } else {
        addLine(past[2], 'notice past', past[1]);
      }
      return;
    }
    if (line.startsWith('* ')) {
      if (presence(line)) {
        renderPeople();
      } else if (line === '* bye') {
        stopped = 'quit';
      }
      addLine(line, 'notice');
      return;
    }
    const split = line.indexOf(' : ');
    if (split > 0) {
      addMessage(line.slice(0, split), line.slice(split + 3), false);
      return;
    }
    if (line.startsWith('Idle timeout')) {
      stopped = 'idle';
    }
    addLine(line, 'system');
  }

  // --- The connection --------------------------------------------------------------------------

  function setStatus(text, state) {
    statusLine.textContent = text;
    statusLine.className = state;
  }

  function connect() {
    clearTimeout(retryTimer);
    retryTimer = null;
    reconnectButton.hidden = true;
    if (socket) {
      return;
    }
    stopped = null;
    setStatus(everOpen ? 'reconnecting…' : 'connecting…', '');
    const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    const ws = new WebSocket(scheme + location.host + '/ws');
    socket = ws;
    ws.onopen = () => {
      wasOpen = true;
      attempt = 0;
      if (everOpen) {
        addLine('* reconnected', 'system');
      }
      everOpen = true;
      if (relay) {
        setStatus('connected', 'ok');
        pageWhos++;
        ws.send('/who');
      } else {
        setStatus('connected: this server only receives, it relays nothing', 'ok');
      }
      if (pending !== null) {
        const text = pending;
        pending = null;
        send(text);
      }
    };
    ws.onmessage = (event) => {
      if (typeof event.data === 'string') {
        onLine(event.data);
      }
    };
    ws.onclose = (event) => {
      socket = null;
      people.clear();
      renderPeople();
      const opened = wasOpen;
      wasOpen = false;
      pageWhos = 0;
      whoReply = null;
      if (event.code === 1009) {
        addLine('* the server closed the connection: a message was longer than it takes', 'system');
      }
      if (stopped === 'quit') {
        setStatus('you left the room', 'down');
        reconnectButton.textContent = 'Rejoin';
        reconnectButton.hidden = false;
      } else if (stopped === 'idle') {
        setStatus('disconnected for being idle: send a message or press Reconnect', 'down');
        reconnectButton.textContent = 'Reconnect';
        reconnectButton.hidden = false;
      } else {
        retry(opened);
      }
    };
  }

  /** Tries again after a growing, jittered wait (1 s, 2 s, 4 s ... 30 s), and says so. */
  function retry(opened) {
    const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** attempt) * (0.8 + Math.random() * 0.4);
    attempt = Math.min(attempt + 1, 10);
    const due = Date.now() + delay;
    if (opened) {
      addLine('* connection lost: reconnecting', 'system');
    }
    reconnectButton.textContent = 'Now';
    reconnectButton.hidden = false;
    const tick = () => {
      const left = Math.max(0, Math.ceil((due - Date.now()) / 1000));
      setStatus('disconnected: reconnecting in ' + left + ' s', 'down');
      if (left === 0) {
        connect();
      } else {
        retryTimer = setTimeout(tick, Math.min(1000, due - Date.now()));
      }
    };
    tick();
  }

  // --- Sending ---------------------------------------------------------------------------------

  function isCommand(text) {
    return /^\/[A-Za-z]+( |$)/.test(text);
  }

  /** What the server does to text before others see it (TextSafety): controls become visible escapes. */
  function asOthersSeeIt(text) {
    return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/g,
        (c) => {
          const code = c.charCodeAt(0);
          return code < 0x80 ? '\\x' + code.toString(16).padStart(2, '0') : '\\u' + code.toString(16).padStart(4, '0');
        });
  }

  function send(text) {
    socket.send(text);
    if (!relay) {
      addMessage(ownSender(), asOthersSeeIt(text), true);
      return;
    }
    if (!isCommand(text)) {
      addMessage(ownSender(), asOthersSeeIt(text.startsWith('//') ? text.slice(1) : text), true);
      return;
    }
    const name = text.slice(1).split(' ', 1)[0].toLowerCase();
    // An action (/me) comes back from the server like everyone else's, so it is not shown here.
    if (name === 'quit') {
      stopped = 'quit';
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = input.value;
    if (text === '') {
      return;
    }
    const bytes = encoder.encode(text).length;
    if (bytes > maxLine) {
      addLine('* not sent: ' + bytes + ' bytes, and the server takes at most ' + maxLine + ' in one message',
          'system');
      return;
    }
    input.value = '';
    input.focus();
    if (socket && socket.readyState === WebSocket.OPEN) {
      send(text);
    } else {
      pending = text;
      addLine('* not connected: it will be sent once connected', 'system');
      connect();
    }
  });

  reconnectButton.addEventListener('click', connect);

  peopleToggle.addEventListener('click', () => {
    const open = peoplePanel.classList.toggle('open');
    peopleToggle.setAttribute('aria-expanded', String(open));
  });

  connect();
})();
