/* The stand-up's clock, shared by the wall (wall.js) and the remote (remote.js).
 *
 * `message` is what the server's event stream sends (obeya/remote.py's
 * state_message): the shared state, the agenda and the server's time. Times
 * in it are the server's; the pages pass `now` in server seconds (their own
 * clock plus the offset seen at the last message), so a TV whose clock runs
 * differently (or a test's clock) still counts its own seconds.
 */
window.obeyaStandup = (function () {
  "use strict";

  /* 83 -> "1:23" */
  function clock(seconds) {
    var s = Math.max(0, seconds);
    return Math.floor(s / 60) + ":" + String(Math.floor(s % 60)).padStart(2, "0");
  }

  /* Where the stand-up is and how much time it has left; null outside a stand-up. */
  function timer(message, now) {
    var meeting = message && message.standup;
    if (!meeting || !message.agenda || !message.agenda.length) { return null; }
    var at = message.held && message.held_at ? message.held_at : now;  // a held stand-up's clock stands still
    var item = message.agenda[meeting.item] || message.agenda[0];
    var planned = message.agenda.reduce(function (sum, each) { return sum + each.minutes * 60; }, 0);
    var itemLeft = item.minutes * 60 - (at - meeting.item_started_at);
    var meetingLeft = planned - (at - meeting.started_at);
    var overrun = message.schedule ? message.schedule.overrun_minutes * 60 : Infinity;
    return {
      index: meeting.item,
      count: message.agenda.length,
      item: item,
      panel: meeting.detour || item.panel,
      page: meeting.detour ? 0 : meeting.page,
      held: !!message.held,
      over: itemLeft < 0,
      meetingOver: meetingLeft < 0,
      overrun: -meetingLeft > overrun,  // left open long after its end: the wall goes back to rotating
      used: Math.min(Math.max(1 - itemLeft / (item.minutes * 60), 0), 1),
      // Counting down, a second shows until it has passed (2:59.4 shows 3:00); over time counts up.
      left: clock(itemLeft < 0 ? -itemLeft : Math.ceil(itemLeft)),
      meeting: clock(meetingLeft < 0 ? -meetingLeft : Math.ceil(meetingLeft)),
    };
  }

  /* The timer's words: say(key, values) looks up the page's words (browser.* in the catalogs). */
  function words(t, say) {
    return {
      position: say("standup", { item: t.index + 1, items: t.count }),
      left: t.held ? say("standup_held") : t.over ? say("standup_over", { time: t.left }) : say("standup_left", { time: t.left }),
      meeting: t.meetingOver ? say("standup_meeting_over", { time: t.meeting }) : say("standup_meeting", { time: t.meeting }),
    };
  }

  return { clock: clock, timer: timer, words: words };
}());
