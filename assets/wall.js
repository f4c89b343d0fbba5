/* Obeya Wall in the browser: rotation, keys, hold and resume, deep links.
 *
 * Every panel is already in the page; this script only decides which page
 * is visible, so a switch costs no server round trip. The server may redraw
 * the panels at any time (new data, edited YAML): a MutationObserver
 * re-applies the current position to the new elements.
 *
 * URL parameters: panel=<id> opens that panel, rotate=<seconds> overrides
 * every panel's duration on this screen (0 holds; at least 5 s), kiosk=1 hides controls.
 *
 * What every screen of the wall shares comes from the server's event stream
 * (/_obeya/events): the stand-up (its agenda item and clock), a hold, and the
 * moves the remote asks for. Keys that change it (S, hold, PageDown in a
 * stand-up) are sent as commands (/_obeya/command); every screen then follows.
 * Rotation itself stays in each browser.
 *
 * Quiet hours and the panels' `show` windows come with the page as the coming week's changes
 * (#wall-settings[data-schedule], from obeya/schedule.py): the page switches at them by its own clock, so a
 * TV goes dark at 19:00 even while the server cannot be reached. Alerts (#wall-settings[data-alerts], from
 * obeya/alerts.py) put their panel next in rotation once, marked "new" until they expire.
 * While the server does not answer, the page keeps rotating what it has, says so in the footer, and asks
 * less and less often (up to once a minute) until it answers again.
 */
(function () {
  "use strict";

  var TICK_MS = 200;
  var HEALTH_MS = 5000;     // how often we ask whether the server is up (and the same one)
  var HEALTH_MAX_MS = 60000; // while it does not answer, each try waits twice as long, up to a minute
  var WAKE_MS = 10 * 60 * 1000; // in quiet hours a key or a tap wakes the screen for ten minutes
  var params = new URLSearchParams(window.location.search);
  var MIN_ROTATE_SECONDS = 5; // the shortest period wall.yaml allows: anything faster flickers, nobody reads it
  var rotateParam = params.get("rotate");
  var rotateOverride = rotateParam !== null && /^\d+(\.\d+)?$/.test(rotateParam) ? parseFloat(rotateParam) : null;
  if (rotateOverride > 0 && rotateOverride < MIN_ROTATE_SECONDS) { rotateOverride = MIN_ROTATE_SECONDS; }

  // Where this wall's server is: "" at /, "/w/<id>" on a server of several walls (Dash's own config says it).
  function serverPath(path) {
    var config = document.getElementById("_dash-config");
    var prefix = "";
    try { prefix = JSON.parse(config.textContent).requests_pathname_prefix || ""; } catch (error) { /* at / */ }
    return prefix.replace(/\/$/, "") + path;
  }

  var state = {
    panel: null,            // id of the panel on screen
    page: 0,                // page within that panel
    shownAt: Date.now(),    // when the current page came on screen
    elapsedBeforePause: 0,  // ms of the current page already shown before a pause
    held: rotateOverride === 0, // explicit hold (Space/P, or rotate=0)
    idleUntil: 0,           // facilitator input pauses rotation until then
    started: false,
  };

  var server = { boot: null, down: false, failures: 0, loadedAt: Date.now(), reloading: false, events: null };
  var quiet = { awakeUntil: 0, minute: -1 };
  var alerts = { promoted: {} }; // alert keys this page has put next already

  // The shared state as last sent by the server; offset: server seconds minus this browser's, at that message.
  var shared = { message: null, offset: 0, seenMove: 0, sentSlot: null, sentEnd: null, shown: "" };
  var pairing = { until: 0 };
  var START_WINDOW_MINUTES = 5; // a screen that comes on up to 5 minutes after a start time still starts the stand-up

  function wall() { return document.getElementById("wall"); }

  function settings() {
    var el = document.getElementById("wall-settings");
    return {
      rotate: el ? parseFloat(el.getAttribute("data-rotate-seconds")) || 30 : 30,
      idle: el ? parseFloat(el.getAttribute("data-idle-seconds")) || 120 : 120,
    };
  }

  /* The words this script writes come with the page, in the wall's language (#wall-settings[data-words]). */
  function say(key, values) {
    var text = settingJson("data-words", {})[key] || "";
    return text.replace(/\{(\w+)\}/g, function (all, name) { return values && name in values ? values[name] : all; });
  }

  /* A JSON attribute of #wall-settings (it comes with every redraw), parsed again only when its text changed. */
  var settingsSeen = {};
  function settingJson(name, fallback) {
    var el = document.getElementById("wall-settings");
    var text = el ? el.getAttribute(name) : null;
    if (!settingsSeen[name] || settingsSeen[name].text !== text) {
      var value = null;
      try { value = JSON.parse(text || "null"); } catch (error) { value = null; }
      settingsSeen[name] = { text: text, value: value === null ? fallback : value };
    }
    return settingsSeen[name].value;
  }

  /* What the schedule says now: {quiet, hidden: [panel ids]}; the last change at or before this moment. */
  function scheduled() {
    var changes = settingJson("data-schedule", []);
    var now = Date.now();
    var current = changes[0];
    for (var i = 1; i < changes.length && changes[i][0] <= now; i++) { current = changes[i]; }
    return current ? { quiet: !!current[1], hidden: current[2] || [] } : { quiet: false, hidden: [] };
  }

  /* Quiet hours and nobody woke the screen; a stand-up is never blanked. */
  function isQuiet() { return !standup() && scheduled().quiet && Date.now() >= quiet.awakeUntil; }

  function wake() { quiet.awakeUntil = Date.now() + WAKE_MS; showMode(); }

  /* The live alerts: [{key, panel, until}] not expired, for panels on this wall. */
  function liveAlerts() {
    var list = settingJson("data-alerts", []);
    var kept = {};  // forget keys no longer sent: the memory stays as small as the list
    list.forEach(function (alert) { if (alerts.promoted[alert.key]) { kept[alert.key] = true; } });
    alerts.promoted = kept;
    var now = Date.now();
    var ids = panelIds();
    return list.filter(function (alert) { return alert.until > now && ids.indexOf(alert.panel) >= 0; });
  }

  /* The "new" mark over the panel on screen while it has a live alert. */
  function showNew() {
    var box = document.getElementById("wall-new");
    if (!box) { return; }
    var marked = !isQuiet() && liveAlerts().some(function (alert) { return alert.panel === state.panel; });
    if (marked) { setText(box.querySelector(".wall-new-text"), say("new")); }
    if (box.hidden !== !marked) { box.hidden = !marked; }
    var w = wall();
    if (w) { setAttribute(w, "data-new", marked ? state.panel : null); }
  }

  /* The dark screen's clock: HH:MM, moved to another place every minute so no pixel burns in. */
  function showQuiet() {
    var box = document.getElementById("wall-quiet");
    if (!box) { return; }
    var on = mode() === "quiet";
    if (box.hidden !== !on) { box.hidden = !on; }
    if (!on) { quiet.minute = -1; return; }
    var minute = Math.floor(Date.now() / 60000);
    var clockEl = box.querySelector(".wall-quiet-clock");
    setText(clockEl, clockText());
    if (minute === quiet.minute) { return; }
    quiet.minute = minute;
    // A walk over a 7 × 5 grid of places that visits each before repeating (7 and 5: coprime to 17 and 3).
    var left = 8 + ((minute * 17) % 7) * 12;
    var top = 10 + ((minute * 3) % 5) * 18;
    clockEl.style.left = left + "%";
    clockEl.style.top = top + "%";
  }

  /* The team's accent colour and the wall's language, from #wall-settings: they follow config edits. */
  function applyLook() {
    var w = wall();
    var el = document.getElementById("wall-settings");
    if (!w || !el) { return; }
    var accent = el.getAttribute("data-accent");
    if (accent) {
      if (w.style.getPropertyValue("--accent") !== accent) { w.style.setProperty("--accent", accent); }
    } else if (w.style.getPropertyValue("--accent")) { w.style.removeProperty("--accent"); }
    var language = el.getAttribute("data-language");
    if (language && w.getAttribute("lang") !== language) { w.setAttribute("lang", language); }
    /* The type scale the wall's screen: needs (layouts/geometry.Room): the root font size and the glance floor. */
    var root = document.documentElement.style;
    [["--wall-scale", "data-wall-scale"], ["--fs-glance", "data-glance-size"]].forEach(function (pair) {
      var value = el.getAttribute(pair[1]) || "";
      if (root.getPropertyValue(pair[0]) !== value) { root.setProperty(pair[0], value); }
    });
  }

  function panels() {
    return Array.prototype.slice.call(document.querySelectorAll("#wall-panels > [data-panel]"));
  }

  function panelIds() { return panels().map(function (p) { return p.getAttribute("data-panel"); }); }

  function pagesOf(panelEl) { return panelEl ? panelEl.querySelectorAll(":scope > .page") : []; }

  function panelEl(id) { return document.querySelector('#wall-panels > [data-panel="' + id + '"]'); }

  /* Every (panel, page) in rotation order. */
  function slides() {
    var list = [];
    panels().forEach(function (p) {
      var id = p.getAttribute("data-panel");
      var count = Math.max(pagesOf(p).length, 1);
      for (var i = 0; i < count; i++) { list.push({ panel: id, page: i }); }
    });
    return list;
  }

  function slideIndex() {
    var list = slides();
    for (var i = 0; i < list.length; i++) {
      if (list[i].panel === state.panel && list[i].page === state.page) { return i; }
    }
    return 0;
  }

  function durationMs() {
    if (rotateOverride !== null) { return rotateOverride * 1000; }
    var p = panelEl(state.panel);
    var seconds = p ? parseFloat(p.getAttribute("data-seconds")) : NaN;
    return (isNaN(seconds) ? settings().rotate : seconds) * 1000;
  }

  /* Make the DOM show state.panel / state.page; safe to call any time. */
  function apply() {
    var w = wall();
    if (!w) { return; }
    var ids = panelIds();
    if (!ids.length) { return; }
    if (ids.indexOf(state.panel) < 0) { state.panel = ids[0]; state.page = 0; }
    var current = panelEl(state.panel);
    var pages = pagesOf(current);
    if (state.page >= pages.length) { state.page = 0; }
    panels().forEach(function (p) {
      var active = p === current;
      toggle(p, "is-active", active);
      Array.prototype.forEach.call(pagesOf(p), function (page, i) {
        toggle(page, "is-active", active && i === state.page);
      });
    });
    if (w.getAttribute("data-active-panel") !== state.panel) { w.setAttribute("data-active-panel", state.panel); }
    Array.prototype.forEach.call(document.querySelectorAll("#wall [data-goto]"), function (tab) {
      var active = tab.getAttribute("data-goto") === state.panel;
      toggle(tab, "is-active", active);
      if (active) { tab.setAttribute("aria-current", "true"); } else { tab.removeAttribute("aria-current"); }
      var pageLabel = tab.querySelector(".wall-tab-page");
      if (pageLabel) {
        var text = active && pages.length > 1 ? say("page_counter", { page: state.page + 1, pages: pages.length }) : "";
        if (pageLabel.textContent !== text) { pageLabel.textContent = text; }
      }
    });
    applyLook();
    showMode();
  }

  function toggle(el, cls, on) {
    if (el.classList.contains(cls) !== on) { el.classList.toggle(cls, on); }
  }

  function go(panel, page) {
    state.panel = panel;
    state.page = page || 0;
    state.shownAt = Date.now();
    state.elapsedBeforePause = 0;
    apply();
    progress(0);
    reportShown();
  }

  /* The next (or, delta -1, previous) page, skipping the panels the schedule leaves out of rotation now. */
  function step(delta) {
    var list = slides();
    if (!list.length) { return; }
    var hidden = scheduled().hidden;
    var i = slideIndex();
    for (var n = 0; n < list.length; n++) {
      i = (i + delta + list.length) % list.length;
      if (hidden.indexOf(list[i].panel) < 0) { break; }
    }
    go(list[i].panel, list[i].page);
  }

  /* At the end of a page: an alert's panel not yet put next comes now, else the next page. */
  function advance() {
    var due = liveAlerts().filter(function (alert) { return !alerts.promoted[alert.key]; })[0];
    if (due) {
      liveAlerts().forEach(function (alert) { if (alert.panel === due.panel) { alerts.promoted[alert.key] = true; } });
      if (due.panel !== state.panel) { go(due.panel, 0); return; }
    }
    step(1);
  }

  function standup() { return shared.message && shared.message.standup ? shared.message.standup : null; }

  function held() { return state.held || !!(shared.message && shared.message.held); }

  function paused() { return !!standup() || held() || Date.now() < state.idleUntil || isQuiet(); }

  function mode() {
    if (standup()) { return "standup"; }
    if (isQuiet()) { return "quiet"; }
    if (held()) { return "held"; }
    if (Date.now() < state.idleUntil) { return "paused"; }
    return "rotating";
  }

  function serverNow() { return Date.now() / 1000 + shared.offset; }

  function standupTimer() { return window.obeyaStandup ? window.obeyaStandup.timer(shared.message, serverNow()) : null; }

  function showMode() {
    var w = wall();
    var m = mode();
    if (w && w.getAttribute("data-mode") !== m) { w.setAttribute("data-mode", m); }
    var label = document.getElementById("wall-mode");
    if (!label) { return; }
    var text = say("rotating");
    var timer = m === "standup" ? standupTimer() : null;
    if (server.down) { text = say("offline"); m = "offline"; }
    else if (timer) { text = timer.held ? say("standup_held") : say("standup", { item: timer.index + 1, items: timer.count }); }
    else if (m === "held") { text = say("held"); }
    else if (m === "paused") {
      var left = Math.max(0, Math.ceil((state.idleUntil - Date.now()) / 1000));
      text = say("paused", { time: Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0") });
    }
    if (label.textContent !== text) { label.textContent = text; }
    if (label.getAttribute("data-mode") !== m) { label.setAttribute("data-mode", m); }
    if (w) { setAttribute(w, "data-offline", server.down ? "1" : null); }
    var holdIcon = document.querySelector('[data-action="hold"] .bi');
    if (holdIcon) {
      var cls = "bi " + (held() ? "bi-play-fill" : "bi-pause-fill");
      if (holdIcon.className !== cls) { holdIcon.className = cls; }
    }
    showStandup(timer);
    showQuiet();
    showNew();
  }

  function setAttribute(el, name, value) {
    if (value === null) { if (el.hasAttribute(name)) { el.removeAttribute(name); } }
    else if (el.getAttribute(name) !== value) { el.setAttribute(name, value); }
  }

  function setText(el, text) { if (el && el.textContent !== text) { el.textContent = text; } }

  /* The stand-up's timer in the header: the item, who speaks, the item's and the meeting's time. */
  function showStandup(timer) {
    var w = wall();
    if (w) {
      setAttribute(w, "data-agenda-item", timer ? String(timer.index) : null);
      setAttribute(w, "data-overtime", timer && timer.over ? "1" : null);
    }
    var box = document.getElementById("wall-standup");
    if (!box) { return; }
    if (box.hidden !== !timer) { box.hidden = !timer; }
    if (!timer) { return; }
    var words = window.obeyaStandup.words(timer, say);
    var panel = panelEl(timer.item.panel);
    setText(box.querySelector(".standup-item"), say("standup_item", {
      item: timer.index + 1, items: timer.count, panel: panel ? panel.getAttribute("data-title") || "" : "" }));
    setText(box.querySelector(".standup-who"), timer.item.who || "");
    setText(box.querySelector(".standup-left"), words.left);
    setText(box.querySelector(".standup-meeting"), words.meeting);
    setAttribute(box.querySelector(".standup-left"), "data-over", timer.over ? "1" : "0");
    setAttribute(box.querySelector(".standup-meeting"), "data-over", timer.meetingOver ? "1" : "0");
    setAttribute(box, "data-held", timer.held ? "1" : "0");
  }

  function progress(fraction) {
    var bar = document.querySelector("#wall .wall-progress-bar");
    if (bar) { bar.style.transform = "scaleX(" + Math.min(Math.max(fraction, 0), 1).toFixed(4) + ")"; }
  }

  /* Facilitator input: hold rotation until idle time passes (unless held explicitly). */
  function touch() {
    if (!paused()) { state.elapsedBeforePause += Date.now() - state.shownAt; }
    state.idleUntil = Date.now() + settings().idle * 1000;
    showMode();
  }

  /* Space, P, B and . (a clicker's "blank screen"): hold or resume every screen of the wall, in any mode. */
  function toggleHold() {
    var resume = held();
    if (resume) { state.idleUntil = 0; }
    if (resume && state.held) {  // held on this screen alone (rotate=0, or the server could not be reached)
      state.held = false;
      if (rotateOverride === 0) { rotateOverride = null; } // rotate=0 held it: resume at the configured periods
      state.shownAt = Date.now();
    }
    if (resume && !(shared.message && shared.message.held)) { showMode(); return; }
    send({ command: "hold", on: !resume }).catch(function () {
      if (!resume) { pausing(function () { state.held = true; }); showMode(); }
    });
  }

  /* Run `change`; if it pauses a rotating wall, keep what the page has shown so far (a resume continues it). */
  function pausing(change) {
    var was = paused();
    change();
    if (!was && paused()) { state.elapsedBeforePause += Date.now() - state.shownAt; }
  }

  /* A command for every screen of the wall; the answer is the new shared state (the event stream brings it too). */
  function send(body) {
    return fetch(serverPath("/_obeya/command"), {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body), cache: "no-store",
    }).then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(receive);
  }

  function receive(message) {
    var before = shared.message;
    shared.offset = message.now - Date.now() / 1000;
    var move = message.move ? message.move.seq : 0;
    pausing(function () { shared.message = message; });
    if (before === null) { shared.seenMove = move; } // moves asked for before this page loaded are not made again
    else if (move > shared.seenMove) {
      shared.seenMove = move;
      if (!message.standup) { makeMove(message.move); }
    }
    if (before && before.held && !message.held) { state.idleUntil = 0; } // a resume resumes at once, on every screen
    if (message.standup) { followAgenda(); }
    else if (before && before.standup) { // the stand-up is over: rotate on from here, at once
      state.idleUntil = 0;
      state.shownAt = Date.now();
      state.elapsedBeforePause = 0;
    }
    showMode();
  }

  /* The remote's next, previous or jump, outside a stand-up: like a facilitator's key on this screen. */
  function makeMove(move) {
    if (isQuiet()) { wake(); }  // someone in the room moved the wall from the remote
    touch();
    if (move.kind === "next") { step(1); }
    else if (move.kind === "prev") { step(-1); }
    else if (move.kind === "goto" && panelIds().indexOf(move.panel) >= 0) { go(move.panel, 0); }
  }

  function followAgenda() {
    var timer = standupTimer();
    if (timer && (timer.panel !== state.panel || timer.page !== state.page) && panelIds().indexOf(timer.panel) >= 0) {
      go(timer.panel, timer.page);
    }
  }

  /* The shared state's event stream; closed while the server is down (checkServer opens it again). */
  function listen() {
    if (!window.EventSource || server.events) { return; }
    var events = new EventSource(serverPath("/_obeya/events"));
    server.events = events;
    events.onmessage = function (event) {
      try { receive(JSON.parse(event.data)); } catch (error) { /* a message we cannot read: the next one will do */ }
    };
    events.onerror = function () {
      if (events.readyState === EventSource.CLOSED) { events.close(); if (server.events === events) { server.events = null; } }
    };
  }

  function stopListening() {
    if (server.events) { server.events.close(); server.events = null; }
  }

  /* Asking for new panels (watchVersion): off while the server is down, so a night without it costs nothing;
   * back on, the first answer runs Dash's poll whatever it says. */
  function polling(on) {
    version.off = !on;
    if (on) { version.seen = null; }
  }

  /* Tell the server what this screen shows, for the remote. */
  function reportShown() {
    var shown = JSON.stringify([state.panel, state.page]);
    if (shown === shared.shown || !state.panel) { return; }
    shared.shown = shown;
    fetch(serverPath("/_obeya/shown"), {
      method: "POST", headers: { "Content-Type": "application/json" }, cache: "no-store",
      body: JSON.stringify({ panel: state.panel, page: state.page }),
    }).catch(function () { shared.shown = ""; });
  }

  /* At a start time in standup.yaml (in the wall's zone, on its days) every screen asks for the stand-up;
   * the server starts each scheduled one once. A stand-up left open long after its end is ended. */
  function keepSchedule() {
    var message = shared.message;
    if (!message || !message.schedule) { return; }
    var meeting = message.standup;
    if (meeting) {
      var timer = standupTimer();
      if (timer && timer.overrun && shared.sentEnd !== meeting.id) {
        shared.sentEnd = meeting.id;
        send({ command: "standup", on: false, standup: meeting.id }).catch(function () { shared.sentEnd = null; });
      }
      return;
    }
    var slot = dueSlot(message.schedule);
    if (slot && slot !== message.last_slot && slot !== shared.sentSlot) {
      shared.sentSlot = slot;
      send({ command: "standup", on: true, slot: slot }).catch(function () { shared.sentSlot = null; });
    }
  }

  /* An Intl.DateTimeFormat, made once per locale, zone and options (it throws on an unknown zone). Making one
   * is what cost the 200 ms tick most (a third of a still screen's script time, 4x throttled); using one is cheap. */
  var dateFormats = {};
  function dateFormat(locale, zone, options) {
    var key = locale + " " + (zone || "local") + " " + JSON.stringify(options);
    if (!dateFormats[key]) {
      dateFormats[key] = new Intl.DateTimeFormat(locale, Object.assign({ timeZone: zone }, options));
    }
    return dateFormats[key];
  }

  /* "2026-12-07T09:15" when a start time is due now in the wall's zone, else null. */
  function dueSlot(schedule) {
    if (!schedule.starts.length) { return null; }
    var settingsEl = document.getElementById("wall-settings");
    var zone = (settingsEl && settingsEl.getAttribute("data-timezone")) || undefined;
    var parts = {};
    try {
      dateFormat("en-GB", zone, { weekday: "short", year: "numeric", month: "2-digit", day: "2-digit",
                                  hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
        .formatToParts(new Date()).forEach(function (part) { parts[part.type] = part.value; });
    } catch (error) { return null; }
    if (schedule.days.indexOf(parts.weekday.toLowerCase().slice(0, 3)) < 0) { return null; }
    var minutes = parseInt(parts.hour, 10) * 60 + parseInt(parts.minute, 10);
    for (var i = 0; i < schedule.starts.length; i++) {
      var start = schedule.starts[i];
      var at = parseInt(start.slice(0, 2), 10) * 60 + parseInt(start.slice(3), 10);
      if (minutes >= at && minutes < at + START_WINDOW_MINUTES) {
        return parts.year + "-" + parts.month + "-" + parts.day + "T" + start;
      }
    }
    return null;
  }

  /* Key R: the QR code that pairs a phone with the remote, for the few minutes it is valid. */
  function togglePairing() {
    var settingsEl = document.getElementById("wall-settings");
    if (!settingsEl || settingsEl.getAttribute("data-remote") !== "1") { return false; }
    if (pairing.until) { closePairing(); return true; }
    fetch(serverPath("/_obeya/pairing"), { method: "POST", headers: { "Content-Type": "application/json" }, body: "{}",
                               cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (answer) {
        var box = document.getElementById("wall-pairing");
        if (!box) { return; }
        pairing.until = Date.now() + answer.seconds * 1000;
        box.querySelector(".wall-pairing-qr").src = answer.qr;
        box.setAttribute("data-link", answer.link);
        setText(box.querySelector(".wall-pairing-title"), say("pair_title"));
        showPairing();
        box.hidden = false;
      })
      .catch(function () { pairing.until = 0; });
    return true;
  }

  function showPairing() {
    var box = document.getElementById("wall-pairing");
    if (!box || !pairing.until) { return; }
    var left = (pairing.until - Date.now()) / 1000;
    if (left <= 0) { closePairing(); return; }
    setText(box.querySelector(".wall-pairing-valid"), say("pair_valid", { time: window.obeyaStandup.clock(Math.ceil(left)) }));
  }

  function closePairing() {
    var box = document.getElementById("wall-pairing");
    pairing.until = 0;
    if (box) {
      box.hidden = true;
      box.removeAttribute("data-link");
      box.querySelector(".wall-pairing-qr").removeAttribute("src");
    }
  }

  var wasPaused = false;
  function tick() {
    var isPaused = paused();
    if (wasPaused && !isPaused) { state.shownAt = Date.now(); } // resume where we left off
    wasPaused = isPaused;
    showMode();
    showPairing();
    keepSchedule();
    var timer = standupTimer();
    if (timer) { progress(timer.used); return; } // in a stand-up the bar shows the item's time used
    var total = durationMs();
    var elapsed = state.elapsedBeforePause + (isPaused ? 0 : Date.now() - state.shownAt);
    if (total <= 0) { progress(0); return; }
    progress(elapsed / total);
    if (!isPaused && elapsed >= total) { advance(); }
  }

  function fullscreen() {
    var el = document.documentElement;
    if (document.fullscreenElement) {
      if (document.exitFullscreen) { document.exitFullscreen().catch(function () {}); }
    } else if (el.requestFullscreen) {
      el.requestFullscreen().catch(function () {});
    }
  }

  function onKey(event) {
    if (event.ctrlKey || event.altKey || event.metaKey) { return; }
    if (isQuiet()) { wake(); event.preventDefault(); return; }  // the first key only wakes the screen
    var key = event.key;
    var handled = true;
    if (key === "s" || key === "S") { send({ command: "standup", on: !standup() }).catch(function () {}); }
    else if (key === " " || key === "Spacebar" || key === "p" || key === "P" || key === "b" || key === "B" || key === ".") {
      toggleHold();
    }
    else if (key === "r" || key === "R") { handled = togglePairing(); }
    else if (key === "Escape" && pairing.until) { closePairing(); }
    else if (standup()) { handled = onStandupKey(key); }
    else if (key === "ArrowRight" || key === "PageDown") { touch(); step(1); }
    else if (key === "ArrowLeft" || key === "PageUp") { touch(); step(-1); }
    else if (key === "Home") { touch(); go(panelIds()[0], 0); }
    else if (key === "f" || key === "F") { fullscreen(); }
    else if (/^[1-9]$/.test(key)) {
      var ids = panelIds();
      var n = parseInt(key, 10) - 1;
      if (n < ids.length) { touch(); go(ids[n], 0); } else { handled = false; }
    } else { handled = false; }
    if (handled) { event.preventDefault(); }
  }

  /* In a stand-up the keys move through the agenda, on every screen: the server keeps the place. */
  function onStandupKey(key) {
    var ids = panelIds();
    var command = null;
    if (key === "ArrowRight" || key === "PageDown") { command = "next"; }
    else if (key === "ArrowLeft" || key === "PageUp") { command = "prev"; }
    else if (key === "Home" && shared.message.agenda.length) { command = "goto:" + shared.message.agenda[0].panel; }
    else if (/^[1-9]$/.test(key) && parseInt(key, 10) <= ids.length) { command = "goto:" + ids[parseInt(key, 10) - 1]; }
    else if (key === "f" || key === "F") { fullscreen(); return true; }
    if (command === null) { return false; }
    send({ command: command }).catch(function () {});
    return true;
  }

  function onClick(event) {
    if (isQuiet()) { wake(); return; }
    var target = event.target.closest ? event.target.closest("[data-goto], [data-action]") : null;
    if (!target || !wall() || !wall().contains(target)) { return; }
    if (wall().getAttribute("data-kiosk") === "1") { return; }
    var action = target.getAttribute("data-action");
    if (standup() && (target.hasAttribute("data-goto") || action === "next" || action === "prev")) {
      send({ command: target.hasAttribute("data-goto") ? "goto:" + target.getAttribute("data-goto") : action })
        .catch(function () {});
    }
    else if (target.hasAttribute("data-goto")) { touch(); go(target.getAttribute("data-goto"), 0); }
    else if (action === "next") { touch(); step(1); }
    else if (action === "prev") { touch(); step(-1); }
    else if (action === "hold") { toggleHold(); }
    else if (action === "fullscreen") { fullscreen(); }
    if (target.blur) { target.blur(); }
  }

  /* HH:MM in the wall's time zone (the same zone as "as of" on the panels), in the header. */
  function clock() {
    setText(document.getElementById("wall-clock"), clockText());
  }

  function clockText() {
    var settingsEl = document.getElementById("wall-settings");
    var zone = (settingsEl && settingsEl.getAttribute("data-timezone")) || undefined;
    var language = (settingsEl && settingsEl.getAttribute("data-language")) || "en";
    var locale = language === "en" ? "en-GB" : language;  // en-GB: 24-hour, as the panels write times
    var hhmm = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
    var format;
    try { format = dateFormat(locale, zone, hhmm); } catch (error) { format = dateFormat(locale, undefined, hhmm); }
    return format.format(new Date());
  }

  /* After a server restart (new boot id) or at the daily reload hour, reload the page:
   * but only once the server serves the page again, so the TV never shows an error page. */
  /* Whether the wall changed (config, data, or what this screen's size draws): a plain request every 2 s.
   * Dash's poll callback runs only when the answer changes, and every 30 s anyway (a wall drawn with a
   * broken panel is retried then), because each run costs the browser a pass over every component of the
   * wall: ~100 ms of CPU on a small box, every two seconds, for nothing. */
  var VERSION_MS = 2000;
  var FULL_POLL_MS = 30000;
  var version = { seen: null, pollAt: 0, asking: false, ticks: 0, off: false };
  function watchVersion() {
    var dash = window.dash_clientside;
    if (version.off || version.asking || !dash || !dash.set_props) { return; }
    version.asking = true;
    fetch(serverPath("/_obeya/version?width=" + window.innerWidth + "&height=" + window.innerHeight), { cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (answer) {
        showAsOf(answer.asOf);
        if (version.seen === null) {  // the page came drawn for a version: no poll for that one
          var drawn = document.getElementById("wall");
          version.seen = (drawn && drawn.dataset.version) || null;
          if (version.seen) { version.pollAt = Date.now() + FULL_POLL_MS; }
        }
        if (answer.version === version.seen && Date.now() < version.pollAt) { return; }
        version.seen = answer.version;
        version.pollAt = Date.now() + FULL_POLL_MS;
        version.ticks += 1;
        dash.set_props("poll", { n_intervals: version.ticks });
      })
      .catch(function () {})  // the server is away: checkServer says so; the next answer catches up
      .then(function () { version.asking = false; });
  }

  /* "as of HH:MM" on every data panel: the time of the server's last read. A read that found nothing new
   * draws no new wall, so the words come with each version answer; a text is written only when it changed. */
  function showAsOf(words) {
    if (typeof words !== "string") { return; }
    var spans = document.querySelectorAll("#wall .as-of");
    for (var i = 0; i < spans.length; i += 1) {
      if (spans[i].textContent !== words) { spans[i].textContent = words; }
    }
  }

  function checkServer() {
    fetch(serverPath("/_obeya/health"), { cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (info) {
        if (server.boot === null) { server.boot = info.boot; }
        var reload = info.boot !== server.boot || dailyReloadDue();
        // Back: new panels and the shared state flow again; a restarted server gets the page reloaded instead.
        if (server.down && !reload) { polling(true); listen(); }
        server.down = false;
        server.failures = 0;
        if (reload) { reloadWhenServed(); }
      })
      .catch(function () {
        if (!server.down) { polling(false); stopListening(); }
        server.down = true;
        server.failures += 1;
      })
      .then(function () {
        showMode();
        var wait = server.down ? Math.min(HEALTH_MS * Math.pow(2, server.failures - 1), HEALTH_MAX_MS) : HEALTH_MS;
        setTimeout(checkServer, wait);
      });
  }

  function dailyReloadDue() {
    var el = document.getElementById("wall-settings");
    var at = el ? el.getAttribute("data-daily-reload-at") : "";
    if (!at || !/^\d\d:\d\d$/.test(at)) { return false; }
    var due = new Date();
    due.setHours(parseInt(at.slice(0, 2), 10), parseInt(at.slice(3), 10), 0, 0);
    return Date.now() >= due.getTime() && server.loadedAt < due.getTime();
  }

  function reloadWhenServed() {
    if (server.reloading) { return; }
    server.reloading = true;
    fetch(window.location.pathname, { cache: "no-store" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        var url = new URL(window.location.href);
        if (state.panel) { url.searchParams.set("panel", state.panel); }
        window.location.replace(url.toString());
      })
      .catch(function () { server.reloading = false; });
  }

  var resizeTimer = null;
  function onResize() {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      if (window.dash_clientside && window.dash_clientside.set_props) {
        window.dash_clientside.set_props("viewport", { data: { height: window.innerHeight, width: window.innerWidth } });
      }
    }, 500);
  }

  function start() {
    var w = wall();
    if (!w || state.started || !panelIds().length) { return false; }
    state.started = true;
    if (params.get("kiosk") === "1") { w.setAttribute("data-kiosk", "1"); }
    var wanted = params.get("panel") || w.getAttribute("data-active-panel");
    go(panelIds().indexOf(wanted) >= 0 ? wanted : panelIds()[0], 0);
    document.addEventListener("keydown", onKey);
    document.addEventListener("click", onClick);
    window.addEventListener("resize", onResize);
    setInterval(tick, TICK_MS);
    setInterval(clock, 1000);
    checkServer();  // and again every HEALTH_MS, backing off while the server does not answer
    listen();
    clock();
    // The server redraws panels (new data, edited YAML): keep our place on the new elements.
    new MutationObserver(function () { apply(); clock(); }).observe(w, { childList: true, subtree: true });
    return true;
  }

  // From the start, panels or not: a wall that came up on a broken config shows its panels once it is fixed.
  setInterval(watchVersion, VERSION_MS);

  // Dash renders the layout after this script runs: wait for #wall to have panels.
  if (!start()) {
    var waiting = new MutationObserver(function () { if (start()) { waiting.disconnect(); } });
    waiting.observe(document.documentElement, { childList: true, subtree: true });
  }

  // For tests and the soak script: read-only view of where the wall is.
  window.obeyaWall = {
    state: function () { return { panel: state.panel, page: state.page, mode: mode(), slides: slides().length }; },
    shared: function () { return shared.message; },
  };
}());
