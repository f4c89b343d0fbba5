/* Obeya Wall in the browser: rotation, keys, hold and resume, deep links.
 *
 * Every panel is already in the page; this script only decides which page
 * is visible, so a switch costs no server round trip. The server may redraw
 * the panels at any time (new data, edited YAML): a MutationObserver
 * re-applies the current position to the new elements.
 *
 * URL parameters: panel=<id> opens that panel, rotate=<seconds> overrides
 * every panel's duration on this screen (0 holds; at least 5 s), kiosk=1 hides controls.
 */
(function () {
  "use strict";

  var TICK_MS = 200;
  var HEALTH_MS = 5000;     // how often we ask whether the server is up (and the same one)
  var params = new URLSearchParams(window.location.search);
  var MIN_ROTATE_SECONDS = 5; // the shortest period wall.yaml allows: anything faster flickers, nobody reads it
  var rotateParam = params.get("rotate");
  var rotateOverride = rotateParam !== null && /^\d+(\.\d+)?$/.test(rotateParam) ? parseFloat(rotateParam) : null;
  if (rotateOverride > 0 && rotateOverride < MIN_ROTATE_SECONDS) { rotateOverride = MIN_ROTATE_SECONDS; }

  var state = {
    panel: null,            // id of the panel on screen
    page: 0,                // page within that panel
    shownAt: Date.now(),    // when the current page came on screen
    elapsedBeforePause: 0,  // ms of the current page already shown before a pause
    held: rotateOverride === 0, // explicit hold (Space/P, or rotate=0)
    idleUntil: 0,           // facilitator input pauses rotation until then
    started: false,
  };

  var server = { boot: null, down: false, loadedAt: Date.now(), reloading: false };

  function wall() { return document.getElementById("wall"); }

  function settings() {
    var el = document.getElementById("wall-settings");
    return {
      rotate: el ? parseFloat(el.getAttribute("data-rotate-seconds")) || 30 : 30,
      idle: el ? parseFloat(el.getAttribute("data-idle-seconds")) || 120 : 120,
    };
  }

  /* The words this script writes come with the page, in the wall's language (#wall-settings[data-words]). */
  var wordsSeen = { json: null, words: {} };
  function say(key, values) {
    var el = document.getElementById("wall-settings");
    var json = el ? el.getAttribute("data-words") : null;
    if (json !== wordsSeen.json) {
      wordsSeen.json = json;
      try { wordsSeen.words = JSON.parse(json || "{}"); } catch (error) { wordsSeen.words = {}; }
    }
    var text = wordsSeen.words[key] || "";
    return text.replace(/\{(\w+)\}/g, function (all, name) { return values && name in values ? values[name] : all; });
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
  }

  function step(delta) {
    var list = slides();
    if (!list.length) { return; }
    var next = list[(slideIndex() + delta + list.length) % list.length];
    go(next.panel, next.page);
  }

  function paused() { return state.held || Date.now() < state.idleUntil; }

  function mode() {
    if (state.held) { return "held"; }
    if (Date.now() < state.idleUntil) { return "paused"; }
    return "rotating";
  }

  function showMode() {
    var w = wall();
    var m = mode();
    if (w && w.getAttribute("data-mode") !== m) { w.setAttribute("data-mode", m); }
    var label = document.getElementById("wall-mode");
    if (!label) { return; }
    var text = say("rotating");
    if (server.down) { text = say("offline"); m = "offline"; }
    else if (m === "held") { text = say("held"); }
    else if (m === "paused") {
      var left = Math.max(0, Math.ceil((state.idleUntil - Date.now()) / 1000));
      text = say("paused", { time: Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0") });
    }
    if (label.textContent !== text) { label.textContent = text; }
    if (label.getAttribute("data-mode") !== m) { label.setAttribute("data-mode", m); }
    var holdIcon = document.querySelector('[data-action="hold"] .bi');
    if (holdIcon) {
      var cls = "bi " + (m === "held" ? "bi-play-fill" : "bi-pause-fill");
      if (holdIcon.className !== cls) { holdIcon.className = cls; }
    }
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

  function toggleHold() {
    if (state.held) {
      state.held = false;
      if (rotateOverride === 0) { rotateOverride = null; } // rotate=0 held it: resume at the configured periods
      state.idleUntil = 0;
      state.shownAt = Date.now();
    } else {
      if (!paused()) { state.elapsedBeforePause += Date.now() - state.shownAt; }
      state.held = true;
    }
    showMode();
  }

  var wasPaused = false;
  function tick() {
    var isPaused = paused();
    if (wasPaused && !isPaused) { state.shownAt = Date.now(); } // resume where we left off
    wasPaused = isPaused;
    showMode();
    var total = durationMs();
    var elapsed = state.elapsedBeforePause + (isPaused ? 0 : Date.now() - state.shownAt);
    if (total <= 0) { progress(0); return; }
    progress(elapsed / total);
    if (!isPaused && elapsed >= total) { step(1); }
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
    var key = event.key;
    var handled = true;
    if (key === "ArrowRight" || key === "PageDown") { touch(); step(1); }
    else if (key === "ArrowLeft" || key === "PageUp") { touch(); step(-1); }
    else if (key === "Home") { touch(); go(panelIds()[0], 0); }
    else if (key === " " || key === "Spacebar" || key === "p" || key === "P") { toggleHold(); }
    else if (key === "f" || key === "F") { fullscreen(); }
    else if (/^[1-9]$/.test(key)) {
      var ids = panelIds();
      var n = parseInt(key, 10) - 1;
      if (n < ids.length) { touch(); go(ids[n], 0); } else { handled = false; }
    } else { handled = false; }
    if (handled) { event.preventDefault(); }
  }

  function onClick(event) {
    var target = event.target.closest ? event.target.closest("[data-goto], [data-action]") : null;
    if (!target || !wall() || !wall().contains(target)) { return; }
    if (wall().getAttribute("data-kiosk") === "1") { return; }
    var action = target.getAttribute("data-action");
    if (target.hasAttribute("data-goto")) { touch(); go(target.getAttribute("data-goto"), 0); }
    else if (action === "next") { touch(); step(1); }
    else if (action === "prev") { touch(); step(-1); }
    else if (action === "hold") { toggleHold(); }
    else if (action === "fullscreen") { fullscreen(); }
    if (target.blur) { target.blur(); }
  }

  var clockFormats = {};
  /* HH:MM in the wall's time zone (the same zone as "as of" on the panels). */
  function clock() {
    var el = document.getElementById("wall-clock");
    if (!el) { return; }
    var settingsEl = document.getElementById("wall-settings");
    var zone = (settingsEl && settingsEl.getAttribute("data-timezone")) || undefined;
    var language = (settingsEl && settingsEl.getAttribute("data-language")) || "en";
    var locale = language === "en" ? "en-GB" : language;  // en-GB: 24-hour, as the panels write times
    var key = (zone || "local") + " " + locale;
    if (!clockFormats[key]) {
      try {
        clockFormats[key] = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone });
      } catch (error) {
        clockFormats[key] = new Intl.DateTimeFormat(locale, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
      }
    }
    var text = clockFormats[key].format(new Date());
    if (el.textContent !== text) { el.textContent = text; }
  }

  /* After a server restart (new boot id) or at the daily reload hour, reload the page:
   * but only once the server serves the page again, so the TV never shows an error page. */
  function checkServer() {
    fetch("/_obeya/health", { cache: "no-store" })
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (info) {
        if (server.boot === null) { server.boot = info.boot; }
        server.down = false;
        if (info.boot !== server.boot || dailyReloadDue()) { reloadWhenServed(); }
      })
      .catch(function () { server.down = true; })
      .then(showMode);
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
    setInterval(checkServer, HEALTH_MS);
    checkServer();
    clock();
    // The server redraws panels (new data, edited YAML): keep our place on the new elements.
    new MutationObserver(function () { apply(); clock(); }).observe(w, { childList: true, subtree: true });
    return true;
  }

  // Dash renders the layout after this script runs: wait for #wall to have panels.
  if (!start()) {
    var waiting = new MutationObserver(function () { if (start()) { waiting.disconnect(); } });
    waiting.observe(document.documentElement, { childList: true, subtree: true });
  }

  // For tests and the soak script: read-only view of where the wall is.
  window.obeyaWall = {
    state: function () { return { panel: state.panel, page: state.page, mode: mode(), slides: slides().length }; },
  };
}());
