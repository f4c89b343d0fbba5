/* The facilitator's remote on a phone (/remote/): what the TV shows, and buttons that command every screen.
 *
 * The page is drawn by the server (layouts/remote.py); this script follows the
 * wall's shared state (/remote/events) and sends the buttons' commands
 * (data-remote: next, prev, hold, standup, goto:<panel>) and today's annotation.
 */
(function () {
  "use strict";

  var shared = { message: null, offset: 0, connected: false };

  function settings() { return document.getElementById("remote-settings"); }

  function parsed(name) {
    var el = settings();
    try { return JSON.parse((el && el.getAttribute(name)) || "{}"); } catch (error) { return {}; }
  }

  function say(key, values) {
    var text = parsed("data-words")[key] || "";
    return text.replace(/\{(\w+)\}/g, function (all, name) { return values && name in values ? values[name] : all; });
  }

  function setText(id, text) {
    var el = document.getElementById(id);
    if (el && el.textContent !== text) { el.textContent = text; }
    return el;
  }

  // The remote's own address: "/remote/", or "/w/<id>/remote/" on a server of several walls (Dash's config says it).
  function remotePath(name) {
    var config = document.getElementById("_dash-config");
    var prefix = "/remote/";
    try { prefix = JSON.parse(config.textContent).requests_pathname_prefix || prefix; } catch (error) { /* at / */ }
    return prefix + name;
  }

  function post(path, body) {
    return fetch(path, { method: "POST", headers: { "Content-Type": "application/json" }, cache: "no-store",
                         body: JSON.stringify(body) })
      .then(function (response) {
        return response.json().then(function (answer) { return response.ok ? answer : Promise.reject(answer.error); });
      });
  }

  function receive(message) {
    shared.message = message;
    shared.offset = message.now - Date.now() / 1000;
    show();
  }

  /* What the TV shows, its mode and, in a stand-up, the timer; the hold and stand-up buttons say what they do now. */
  function show() {
    var message = shared.message;
    if (!message || !document.getElementById("remote")) { return; }
    var names = parsed("data-panels");
    var timer = window.obeyaStandup ? window.obeyaStandup.timer(message, Date.now() / 1000 + shared.offset) : null;
    var panel = timer ? timer.panel : message.shown;
    setText("remote-panel", names[panel] || "");
    setText("remote-mode", shared.connected ? say(message.held && !timer ? "held" : message.mode) : say("offline"));
    var box = document.getElementById("remote-timer");
    if (box) {
      box.hidden = !timer;
      if (timer) {
        var words = window.obeyaStandup.words(timer, say);
        var item = { item: timer.index + 1, items: timer.count, who: timer.item.who };
        setText("remote-item", timer.item.who ? say("item_who", item) : say("item", item));
        setText("remote-left", words.left).setAttribute("data-over", timer.over ? "1" : "0");
        setText("remote-meeting", words.meeting);
      }
    }
    var hold = document.getElementById("remote-hold");
    if (hold) {
      hold.querySelector(".bi").className = "bi " + (message.held ? "bi-play-fill" : "bi-pause-fill");
      setText("remote-hold-words", message.held ? say("resume") : say("hold"));
    }
    var standup = document.getElementById("remote-standup");
    if (standup) { setText("remote-standup-words", message.standup ? say("standup_end") : say("standup_start")); }
    var remote = document.getElementById("remote");
    remote.setAttribute("data-mode", message.mode);
    remote.setAttribute("data-shown", panel || "");
  }

  function onClick(event) {
    var button = event.target.closest ? event.target.closest("[data-remote], #note-add") : null;
    if (!button) { return; }
    if (button.id === "note-add") { addNote(); return; }
    post(remotePath("command"), { command: button.getAttribute("data-remote") }).then(receive).catch(function () {});
  }

  function addNote() {
    var text = document.getElementById("note-text");
    var service = document.getElementById("note-service");
    var answer = document.getElementById("note-answer");
    var body = { text: text.value };
    answer.textContent = "";
    answer.removeAttribute("data-ok");
    if (service.value && service.value !== "*") { body.service = service.value; }  // "*": every chart
    post(remotePath("annotation"), body)
      .then(function () {
        text.value = "";
        answer.textContent = say("note_added");
        answer.setAttribute("data-ok", "1");
      })
      .catch(function (error) {
        answer.textContent = String(error || "");
        answer.setAttribute("data-ok", "0");
      });
  }

  function start() {
    if (!document.getElementById("remote") || start.done) { return false; }
    start.done = true;
    document.addEventListener("click", onClick);
    var events = new EventSource(remotePath("events"));
    events.onopen = function () { shared.connected = true; show(); };
    events.onerror = function () { shared.connected = false; show(); };
    events.onmessage = function (event) {
      shared.connected = true;
      try { receive(JSON.parse(event.data)); } catch (error) { /* the next message will do */ }
    };
    setInterval(show, 500);
    return true;
  }

  // Dash draws the page after this script runs.
  if (!start()) {
    var waiting = new MutationObserver(function () { if (start()) { waiting.disconnect(); } });
    waiting.observe(document.documentElement, { childList: true, subtree: true });
  }
}());
