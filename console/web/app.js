// Kindred console page. Plain script, no dependencies: the console must work
// on a care home's offline network. It reads the live stream, draws the pain
// gauge, the timeline and the robot's face, and posts controls.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const ITEMS = ["face", "vocalisation", "body", "breathing", "consolability"];
  const WINDOW_S = 120; // seconds of history on the timeline
  const state = {
    token: sessionStorage.getItem("kindred-token") || "",
    lastAt: 0, // newest session time seen, seconds
    scores: [], // {at, score, band}
    annotations: [], // {at, rating}
    marks: [], // {at, label} state changes
    pose: {}, // target joint angles, degrees
    ranges: {}, // joint → {min, max, neutral}, when the robot reports them
    shown: {}, // drawn joint angles, easing towards pose
    person: "",
    proposals: new Map(),
    alert: null, // the alert on the banner: {level, reason, person, score, at, sense}
    lastReport: null, // the last rating the person gave: {rating, at}
    asking: "", // how the robot's asking for a rating stands, while no rating is counted
    muted: localStorage.getItem("kindred-muted") === "1",
    mirror: null, // the condition in force, from the status: {enabled, gain, delay_ms}
    mirrorTouched: new Set(), // sliders a person moved since the last Apply
    tones: 0, // tones played, for tests and for the curious
    robotState: "", // the state the robot last reported
    heardAt: 0, // Date.now() when the robot was last heard from (stream or status)
    lost: false, // no contact: what the page shows is from heardAt, not live
    bandText: "no data", // what the gauge says under the score while live
    local: null, // whether the console hands this page its token (on the robot itself); null: not asked yet
    tokenRefusedAt: 0, // Date.now() when the robot refused this page's token; 0: it takes it
    tokenRenewedAt: 0, // Date.now() when this page took the robot's new token, until the stream says so
  };

  // PAINAD bands (Warden et al. 2003): 0 none, 1–3 mild, 4–6 moderate,
  // 7–10 severe. The page names the score it shows, so 7.1 reads severe.
  function bandOf(score) {
    if (!(score >= 1)) return "none";
    if (score < 4) return "mild";
    if (score < 7) return "moderate";
    return "severe";
  }

  // A time of day as the person reading the page says it.
  function clockTime(ms) {
    return new Date(ms).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  }

  function authHeaders(extra) {
    const h = Object.assign({}, extra || {});
    if (state.token) h["Authorization"] = "Bearer " + state.token;
    return h;
  }

  // A word of feedback stays up long enough to read (a refusal longer),
  // then leaves the bottom of the screen free.
  let feedbackTimer = null;
  function feedback(text, isError) {
    const f = $("feedback");
    f.textContent = text;
    f.className = isError ? "error" : "muted";
    clearTimeout(feedbackTimer);
    feedbackTimer = setTimeout(() => f.classList.add("hidden"), isError ? 15000 : 5000);
  }

  async function getToken() {
    if (state.token) return;
    try {
      const r = await fetch("/api/v1/session-token", { credentials: "same-origin" });
      state.local = r.ok;
      if (r.ok) {
        state.token = (await r.json()).token;
        return;
      }
    } catch (e) { /* offline: the token box below lets a person paste it */ }
    $("token-box").classList.remove("hidden");
  }

  $("token-save").addEventListener("click", () => {
    const tok = $("token-input").value.trim();
    if (!tok) return;
    $("token-input").value = "";
    sessionStorage.setItem("kindred-token", tok);
    useToken(tok);
  });

  // ---- the robot's console token ----
  // A run started again with another console token (KINDRED_CONSOLE_TOKEN,
  // or a new console-token file) refuses this page's token: every request
  // answers 401, and the stream's handshake fails. The page says so, and
  // stops sending the token at once: each refusal is a recorded fault (the
  // console's audit of refused access), so a page that went on asking
  // would write one every 10 s for as long as it stayed open. It takes the
  // new token as it took the first: on the robot itself from the console
  // (asked at each status tick until the robot answers), elsewhere from a
  // carer, in the token box, asking the robot nothing meanwhile.
  function tokenRefused(sent) {
    // A request still on its way with the old token, answered after the
    // new one came, refuses nothing.
    if (sent !== state.token || state.tokenRefusedAt) return;
    state.tokenRefusedAt = Date.now();
    state.token = "";
    sessionStorage.removeItem("kindred-token");
    $("conn").textContent = "offline · token refused";
    $("conn").className = "pill bad";
    if (socket && socket.readyState <= 1) socket.close();
    checkContact();
    showMode();
    renewToken();
  }

  // refused says whether r is the robot refusing the token tok, and if so
  // stops using it.
  function refused(r, tok) {
    if (r.status !== 401) return false;
    tokenRefused(tok);
    return true;
  }

  let renewing = false;
  async function renewToken() {
    if (state.local === false) { askToken(); return; }
    if (renewing) return;
    renewing = true;
    try {
      const r = await fetch("/api/v1/session-token", { credentials: "same-origin", signal: AbortSignal.timeout(ANSWER_MS) });
      if (r.ok) {
        state.local = true;
        useToken((await r.json()).token);
      } else if (r.status === 403) {
        state.local = false; // not on the robot itself: a carer gives it
        askToken();
      }
    } catch (e) { /* the robot is not answering: asked again at the next status tick */ }
    renewing = false;
  }

  function askToken() {
    // A token given since the first refusal (and not yet live) was refused too: mistyped, or old.
    $("token-why").textContent = state.tokenRenewedAt ? "That token was refused too: paste the robot's current access token" :
      "The robot's console token changed (it was started again with another), and this page's was refused: paste the new access token";
    showMode();
    const box = $("token-box");
    if (!box.classList.contains("hidden")) return;
    box.classList.remove("hidden");
    $("token-input").focus();
  }

  function useToken(tok) {
    if (state.tokenRefusedAt) state.tokenRenewedAt = Date.now();
    state.token = tok;
    state.tokenRefusedAt = 0;
    $("token-box").classList.add("hidden");
    retry = RETRY_MIN;
    showMode();
    begin();
  }

  // A command the robot has not answered in CONTROL_WAIT_S is reported as
  // such, rather than leaving its button busy and the page silent.
  const CONTROL_WAIT_S = 10;
  async function control(body) {
    const tok = state.token;
    if (state.tokenRefusedAt) {
      // Not sent: it would be refused (and recorded) like the token.
      feedback(body.cmd + ": not sent: the robot's console token changed, and this page's is refused; " +
        (state.local === false ? "paste the new token first" : "the page is taking the new one, try again in a moment"), true);
      return false;
    }
    try {
      const r = await fetch("/api/v1/control", {
        method: "POST",
        headers: authHeaders({ "Content-Type": "application/json" }),
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(CONTROL_WAIT_S * 1000),
      });
      const reply = await r.json().catch(() => ({}));
      if (!r.ok) {
        feedback(body.cmd + ": " + (refused(r, tok) ? "not sent: the robot's console token changed, and this page's was refused" :
          (reply.error || r.status)), true);
        return false;
      }
      feedback(body.cmd + " sent", false);
      return true;
    } catch (e) {
      if (e.name === "TimeoutError") {
        feedback(body.cmd + ": no answer from the robot in " + CONTROL_WAIT_S + " s; it may not have acted. Check the state, and try again.", true);
      } else {
        feedback(body.cmd + ": " + e, true);
      }
      return false;
    }
  }

  // once runs work for a button, at most one at a time: a double click, or a
  // click while the robot has not answered yet, does not send it twice (the
  // robot would say a line twice, or file an annotation twice). The safety
  // commands (pause, resume, stop) do not go through it: nothing held in
  // the page may stop a carer stopping the robot.
  async function once(button, work) {
    if (button.getAttribute("aria-busy") === "true") return;
    button.setAttribute("aria-busy", "true");
    try {
      await work();
    } finally {
      button.removeAttribute("aria-busy");
    }
  }

  // ---- pain gauge, items, cues ----
  function arcPath(fraction) {
    const f = Math.max(0, Math.min(1, fraction));
    const a = Math.PI * (1 - f);
    const x = 100 + 80 * Math.cos(a), y = 100 - 80 * Math.sin(a);
    return "M 20 100 A 80 80 0 0 1 " + x.toFixed(2) + " " + y.toFixed(2);
  }

  function showAssessment(a) {
    const g = $("gauge");
    const present = a.present !== false;
    const band = bandOf(a.score);
    g.dataset.score = a.score.toFixed(1);
    g.dataset.band = band;
    $("gauge-arc").setAttribute("d", arcPath(a.score / 10));
    $("gauge-score").textContent = a.score.toFixed(1);
    state.bandText = present ? band : "nobody in view";
    showGaugeBand();
    for (const name of ITEMS) {
      const v = (a.items && a.items[name]) || 0;
      const row = document.querySelector('.item[data-item="' + name + '"]');
      row.querySelector(".bar div").style.width = (v / 2 * 100) + "%";
      row.querySelector("b").textContent = v.toFixed(1);
    }
    $("pspi").textContent = (a.pspi || 0).toFixed(1);
    $("confidence").textContent = Math.round((a.confidence || 0) * 100) + "%";
    const cues = $("cues");
    cues.replaceChildren();
    for (const c of a.cues || []) {
      const li = document.createElement("li");
      li.textContent = c;
      cues.appendChild(li);
    }
    if (!cues.children.length) {
      const li = document.createElement("li");
      li.className = "muted";
      li.textContent = "no cues";
      cues.appendChild(li);
    }
    if (a.person) setPerson(a.person);
    showSelfReport(a);
    // At a glance, in the top that never scrolls away: "7.1 severe · says 2".
    const says = typeof a.says === "number" ? " · says " + a.says : "";
    $("pain-now").textContent = a.score.toFixed(1) + " " + (present ? band : "(nobody in view)") + says;
    $("pain-pill").dataset.band = band;
  }

  // The person's own rating beside what is seen, never averaged: the
  // robot acts on the higher ("says 2, looks 6").
  function showSelfReport(a) {
    const el = $("self-report");
    if (typeof a.says === "number" && typeof a.looks === "number") {
      // Where it hurts, when the person said: "says 7, looks 5 · back".
      const where = Array.isArray(a.places) && a.places.length ? " · " + a.places.join(", ") : "";
      el.textContent = "says " + a.says + ", looks " + Math.round(a.looks) + where;
    } else if (state.asking) {
      el.textContent = state.asking;
    } else if (state.lastReport) {
      el.textContent = "said " + state.lastReport.rating + " at " + state.lastReport.at.toFixed(0) + " s (no longer counted)";
    }
  }

  // state.person is the id annotations are filed under; what the page
  // shows is who the robot assumes is present, by name: an unknown
  // person's id is a pseudonym, never shown as a name.
  function setPerson(p) {
    state.person = p;
  }

  function showPresent(p, residents) {
    let who = "nobody in view", base = "";
    if (p) {
      who = p.resident ? (p.name || p.id) : "a visitor (unknown)";
      base = (p.calibrated ? "calibrated" : "population baseline") + (p.assumed ? ", assumed" : ", named by a carer");
      state.person = p.id;
    }
    $("person").textContent = who;
    $("baseline").textContent = base ? "(" + base + ")" : "";
    $("identify-visitor").disabled = !p;
    const box = $("identify-residents");
    const key = JSON.stringify(residents || []) + (p ? "1" : "0");
    if (box.dataset.key === key) return;
    box.dataset.key = key;
    box.textContent = "";
    for (const r of residents || []) {
      const b = document.createElement("button");
      b.type = "button";
      b.dataset.person = r.id;
      // With nobody in view, naming a resident starts a session with
      // them: the next face is theirs.
      b.textContent = (p ? "This is " : "Start session with ") + (r.name || r.id);
      b.addEventListener("click", () => once(b, async () => { if (await control({ cmd: "identify", person: r.id })) refreshStatus(); }));
      box.appendChild(b);
    }
  }

  // ---- what the robot is doing, in one word a carer cannot miss ----
  const MODES = {
    paused: ["PAUSED", "the robot is paused: still and silent, yet watching; alerts still go out"],
    opted_out: ["OPTED OUT", "stopped: not watching or listening; no new alerts"],
    fault: ["FAULT", "the robot reported a fault; it is keeping still"],
    active: ["ACTIVE", "the robot is watching and responding"],
    unknown: ["…", "waiting for the robot"],
  };

  function setState(s) {
    state.robotState = s || "";
    $("state").textContent = s || "unknown";
    showMode();
  }

  function showMode() {
    const s = state.robotState;
    const mode = !s || s === "unknown" ? "unknown" : (MODES[s] ? s : "active");
    const strip = $("state-strip");
    if (state.tokenRefusedAt) {
      // Not live either, and why: said plainly, so nobody has to guess
      // that a reload (or the new token) is what it takes.
      strip.dataset.mode = "stale";
      $("mode").textContent = "NO CONTACT";
      $("flags").textContent = "the robot's console token changed at " + clockTime(state.tokenRefusedAt) +
        " (it was started again with another), and it refuses this page's: " +
        (state.local === false ? "paste the new token below" : "taking the new one…") +
        (state.heardAt ? "; what this page shows is from " + clockTime(state.heardAt) + ", not live" : "");
    } else if (state.lost) {
      // The robot's state is not known now: say so where the state was.
      strip.dataset.mode = "stale";
      $("mode").textContent = "NO CONTACT";
      $("flags").textContent = "lost contact with the robot at " + clockTime(state.heardAt) +
        ": what this page shows is from then, not live; reconnecting…";
    } else {
      strip.dataset.mode = mode;
      $("mode").textContent = MODES[mode][0];
      $("flags").textContent = MODES[mode][1];
    }
    $("pause").classList.toggle("hidden", mode === "paused" || mode === "opted_out");
    $("resume").classList.toggle("hidden", mode !== "paused");
    $("opt-in").classList.toggle("hidden", mode !== "opted_out");
    const stop = $("opt-out");
    stop.disabled = mode === "opted_out";
    stop.textContent = mode === "opted_out" ? "Stopped" : "Stop (opt out)";
  }

  // ---- the alert banner and its sound ----
  // A technical alert (ev.sense: the camera, microphone or body lost) is apart
  // from the pain episode: its resolution ends only its own banner, a pain
  // resolution ends no device's, and it never takes a pain alert's place
  // on the banner (the log has it).
  function showAlert(ev) {
    const sense = ev.sense || "";
    if (ev.level === "resolved") {
      if (!state.alert || state.alert.sense === sense) clearAlert();
      return;
    }
    if (ev.level !== "warning" && ev.level !== "urgent") return;
    if (sense && state.alert && !state.alert.sense) return;
    state.alert = { level: ev.level, reason: ev.reason || "", person: ev.person || "", score: ev.score || 0, at: ev.at, sense: sense };
    const b = $("alert-banner");
    b.dataset.level = ev.level;
    $("alert-level").textContent = ev.level === "urgent" ? "URGENT" : "WARNING";
    const who = ev.person ? ev.person + ": " : "";
    const score = typeof ev.score === "number" ? ev.score : 0;
    const pain = sense ? "" : " — pain " + score.toFixed(1) + " of 10 (" + bandOf(score) + ")";
    // When, as a time of day (the console stamps it); session time if not.
    const wall = Date.parse(ev.wall);
    $("alert-text").textContent = who + (ev.reason || "pain") + pain +
      (wall ? " at " + clockTime(wall) : typeof ev.at === "number" ? " at " + ev.at.toFixed(0) + " s" : "");
    b.classList.remove("hidden");
    sound();
  }

  function clearAlert() {
    state.alert = null;
    $("alert-banner").classList.add("hidden");
    $("alert-banner").dataset.level = "";
    sound(); // silent, unless contact is lost
  }

  // Tones are made here, with WebAudio: no audio files to fetch. Urgent
  // repeats a high-low pair every 3 s, a warning a softer tone every 10 s,
  // until acknowledged, resolved or muted. A page that lost the robot
  // sounds two low tones every 10 s until contact is back: a carer away
  // from the screen would otherwise not know that no alert can reach it
  // (an alarm system's own failure is itself an alarm condition, IEC
  // 60601-1-8). An alert up keeps its own sound, which says more.
  let audio = null, toneTimer = null;
  function soundLevel() {
    if (state.alert) return state.alert.level;
    return state.lost ? "lost" : "";
  }
  function tone() {
    const level = soundLevel();
    if (state.muted || !level) return;
    try {
      if (!audio) {
        audio = new (window.AudioContext || window.webkitAudioContext)();
        audio.addEventListener("statechange", showAudio);
      }
      if (audio.state === "suspended") audio.resume().catch(() => {});
      // Only a context still held back after a moment earns the note: a
      // banner that changes height under a finger makes it miss its button.
      setTimeout(showAudio, 1500);
      const urgent = level === "urgent";
      const freqs = urgent ? [880, 660] : level === "lost" ? [330, 330] : [520];
      freqs.forEach((f, i) => {
        const o = audio.createOscillator(), g = audio.createGain();
        const t0 = audio.currentTime + i * 0.3;
        o.type = "sine"; o.frequency.value = f;
        g.gain.setValueAtTime(0.0001, t0);
        g.gain.exponentialRampToValueAtTime(urgent ? 0.35 : 0.15, t0 + 0.03);
        g.gain.exponentialRampToValueAtTime(0.0001, t0 + 0.25);
        o.connect(g).connect(audio.destination);
        o.start(t0); o.stop(t0 + 0.3);
      });
      state.tones++; // counted once WebAudio has taken the tone
      document.body.dataset.tones = String(state.tones);
    } catch (e) { /* no sound device: the banner still shows */ }
  }
  function sound() {
    silence();
    const level = soundLevel();
    if (state.muted || !level) return;
    tone();
    toneTimer = setInterval(tone, level === "urgent" ? 3000 : 10000);
    document.body.dataset.sounding = level;
  }
  function silence() {
    if (toneTimer) clearInterval(toneTimer);
    toneTimer = null;
    document.body.dataset.sounding = "";
  }
  // A browser may hold sound back until someone touches the page (autoplay
  // policy); the banner says so, and the first touch or key lets it out.
  function showAudio() {
    const now = audio ? audio.state : "none";
    document.body.dataset.audio = now;
    $("sound-note").classList.toggle("hidden", state.muted || !audio || now === "running");
  }
  for (const ev of ["pointerdown", "keydown"]) {
    document.addEventListener(ev, () => { if (audio && audio.state === "suspended") audio.resume().catch(() => {}); });
  }
  function showMute() {
    const m = $("mute");
    m.setAttribute("aria-pressed", state.muted ? "true" : "false");
    m.textContent = state.muted ? "Sound muted" : "Mute sound";
  }
  $("mute").addEventListener("click", () => {
    state.muted = !state.muted;
    localStorage.setItem("kindred-muted", state.muted ? "1" : "0");
    showMute();
    if (state.muted) silence(); else sound();
    showAudio();
  });
  $("ack-by").value = localStorage.getItem("kindred-carer") || "";
  $("ack").addEventListener("click", () => once($("ack"), async () => {
    const by = $("ack-by").value.trim();
    if (!by) {
      feedback("acknowledge: type your name first, so the record says who came", true);
      $("ack-by").focus();
      return;
    }
    localStorage.setItem("kindred-carer", by);
    if (await control({ cmd: "acknowledge", by })) clearAlert();
  }));
  $("ack-by").addEventListener("keydown", (e) => { if (e.key === "Enter" && !e.isComposing) $("ack").click(); });

  function seeTime(at) {
    if (typeof at === "number" && at > state.lastAt) state.lastAt = at;
    $("clock").textContent = state.lastAt.toFixed(1) + " s";
  }

  // ---- timeline ----
  function drawTimeline() {
    const cv = $("timeline");
    const ctx = cv.getContext("2d");
    const W = cv.width, H = cv.height, left = 28, bottom = H - 18, top = 8;
    const t1 = Math.max(state.lastAt, WINDOW_S), t0 = t1 - WINDOW_S;
    const x = (t) => left + (t - t0) / WINDOW_S * (W - left - 6);
    const y = (s) => bottom - s / 10 * (bottom - top);
    ctx.clearRect(0, 0, W, H);
    const bands = [[0, 1, "#eef7e6"], [1, 4, "#fff8e1"], [4, 7, "#fbe9e7"], [7, 10, "#ffebee"]];
    for (const [lo, hi, col] of bands) {
      ctx.fillStyle = col;
      ctx.fillRect(left, y(hi), W - left - 6, y(lo) - y(hi));
    }
    ctx.fillStyle = "#7a7f87";
    ctx.font = "11px sans-serif";
    for (const s of [0, 4, 7, 10]) ctx.fillText(String(s), 6, y(s) + 4);
    ctx.fillText(t0.toFixed(0) + " s", left, H - 4);
    ctx.fillText(t1.toFixed(0) + " s", W - 50, H - 4);
    ctx.strokeStyle = "#b0bec5";
    state.marks.forEach((m, i) => {
      if (m.at < t0) return;
      ctx.beginPath(); ctx.moveTo(x(m.at), top); ctx.lineTo(x(m.at), bottom); ctx.stroke();
      ctx.fillText(m.label, x(m.at) + 2, top + 10 + (i % 3) * 12); // staggered: states can change quickly
    });
    ctx.strokeStyle = "#37474f";
    ctx.lineWidth = 2;
    ctx.beginPath();
    let started = false;
    for (const p of state.scores) {
      if (p.at < t0) continue;
      if (!started) { ctx.moveTo(x(p.at), y(p.score)); started = true; } else ctx.lineTo(x(p.at), y(p.score));
    }
    ctx.stroke();
    ctx.lineWidth = 1;
    ctx.fillStyle = "#1565c0";
    for (const a of state.annotations) {
      if (a.at < t0) continue;
      ctx.beginPath(); ctx.arc(x(a.at), y(a.rating), 4, 0, 2 * Math.PI); ctx.fill();
    }
  }

  // ---- the robot's face ----
  const clamp = (v, lo, hi) => Math.max(lo, Math.min(hi, v));
  // g returns a joint's displacement from rest in "nominal degrees": with a
  // known range, the half-range on that side is scaled to 30, so any body's
  // face is drawn to the same scale.
  function drawFace() {
    const j = state.shown;
    const g = (k) => {
      const v = j[k] || 0, r = state.ranges[k];
      if (!r) return v;
      const d = v - r.neutral;
      const half = d >= 0 ? r.max - r.neutral : r.neutral - r.min;
      return half > 0 ? d / half * 30 : 0;
    };
    $("head").setAttribute("transform",
      "translate(" + clamp(g("head_pan") * 0.6, -25, 25).toFixed(1) + " " + clamp(-g("head_tilt") * 0.6, -20, 20).toFixed(1) +
      ") rotate(" + clamp(g("head_roll"), -30, 30).toFixed(1) + " 100 105)");
    // The robot's left is the viewer's right.
    const brow = (id, inner, outer, xi, xo) => {
      const e = $(id);
      e.setAttribute("x1", xo); e.setAttribute("y1", (68 - clamp(g(outer), -30, 30) * 0.35).toFixed(1));
      e.setAttribute("x2", xi); e.setAttribute("y2", (68 - clamp(g(inner), -30, 30) * 0.35).toFixed(1));
    };
    brow("brow-right", "brow_inner_right", "brow_outer_right", 86, 52);
    brow("brow-left", "brow_inner_left", "brow_outer_left", 114, 148);
    const lid = (id, k) => {
      const r = state.ranges[k], v = j[k] || 0;
      // With a range, the lid's position in it is how open the eye is;
      // without one, rest (0) is three quarters open.
      const open = r && r.max > r.min ? clamp((v - r.min) / (r.max - r.min), 0, 1) : clamp(0.75 + v / 60, 0, 1);
      $(id).setAttribute("height", (26 * (1 - open)).toFixed(1));
    };
    lid("lid-right", "lid_right");
    lid("lid-left", "lid_left");
    const yr = 140 - clamp(g("mouth_corner_right"), -30, 30) * 0.4;
    const yl = 140 - clamp(g("mouth_corner_left"), -30, 30) * 0.4;
    const jaw = clamp(g("jaw"), 0, 40) * 0.6;
    const mid = (yr + yl) / 2;
    $("mouth").setAttribute("d", "M 70 " + yr.toFixed(1) + " Q 100 " + (mid + 2).toFixed(1) + " 130 " + yl.toFixed(1) +
      " Q 100 " + (mid + 4 + jaw).toFixed(1) + " 70 " + yr.toFixed(1) + " Z");
  }

  function showJoints() {
    const t = $("joints");
    t.replaceChildren();
    for (const k of Object.keys(state.pose).sort()) {
      const tr = document.createElement("tr");
      const a = document.createElement("td"), b = document.createElement("td");
      a.textContent = k; b.textContent = state.pose[k].toFixed(1) + "°";
      tr.append(a, b);
      t.appendChild(tr);
    }
  }

  function animate() {
    let moving = false;
    for (const k of Object.keys(state.pose)) {
      const cur = state.shown[k] === undefined ? state.pose[k] : state.shown[k];
      const next = cur + (state.pose[k] - cur) * 0.35;
      state.shown[k] = Math.abs(state.pose[k] - next) < 0.05 ? state.pose[k] : next;
      if (state.shown[k] !== state.pose[k]) moving = true;
    }
    drawFace();
    if (moving) requestAnimationFrame(animate);
  }

  function setPose(joints) {
    Object.assign(state.pose, joints || {});
    showJoints();
    drawFace();
    requestAnimationFrame(animate);
  }

  // ---- log and proposals ----
  // A line of the log starts with the time of day it happened; how far into
  // the session is its tooltip.
  function log(text, cls, ev) {
    const li = document.createElement("li");
    const at = ev && typeof ev.at === "number" ? ev.at.toFixed(1) + " s" : "";
    const wall = ev && Date.parse(ev.wall);
    li.textContent = (wall ? clockTime(wall) + "  " : at ? at + "  " : "") + text;
    if (wall && at) li.title = at + " into the session";
    if (cls) li.className = cls;
    const l = $("log");
    l.insertBefore(li, l.firstChild);
    while (l.children.length > 80) l.removeChild(l.lastChild);
  }

  function showProposals() {
    const ul = $("proposals");
    ul.replaceChildren();
    for (const [id, u] of state.proposals) {
      const li = document.createElement("li");
      const text = document.createElement("span");
      text.textContent = "“" + (u.text || u.intent) + "” ";
      const ok = document.createElement("button");
      ok.type = "button"; ok.textContent = "Approve";
      ok.addEventListener("click", () => once(ok, async () => {
        if (await control({ cmd: "approve", id: Number(id) })) { state.proposals.delete(id); showProposals(); }
      }));
      const alt = document.createElement("input");
      alt.type = "text"; alt.placeholder = "say instead…";
      const rep = document.createElement("button");
      rep.type = "button"; rep.textContent = "Replace";
      rep.addEventListener("click", () => once(rep, async () => {
        const t = alt.value.trim();
        if (!t) { feedback("replace: type what to say instead", true); return; }
        if (!lineFits("replace", t)) return;
        if (await control({ cmd: "replace", id: Number(id), intent: "say", text: t })) { state.proposals.delete(id); showProposals(); }
      }));
      li.append(text, ok, alt, rep);
      ul.appendChild(li);
    }
    if (!ul.children.length) {
      const li = document.createElement("li");
      li.className = "muted"; li.textContent = "nothing pending";
      ul.appendChild(li);
    }
  }

  // ---- a person deleted ----
  // redactWords replaces each of who (a deleted person's id and names) in s,
  // where it is a word of its own, with as: the console's rule for the
  // events it keeps (journal.Redact), so "bo" in "body" stays.
  const idChar = /[A-Za-z0-9_\-\u0080-\uffff]/;
  function redactWords(s, who, as) {
    for (const w of who) {
      if (!w) continue;
      let out = "", i;
      while ((i = s.indexOf(w)) >= 0) {
        const end = i + w.length;
        const alone = (i === 0 || !idChar.test(s[i - 1])) && (end === s.length || !idChar.test(s[end]));
        out += s.slice(0, i) + (alone ? as : w);
        s = s.slice(end);
      }
      s = out + s;
    }
    return s;
  }

  // forget takes a person just deleted off the page, as the console has
  // taken them out of what it will send a page opened later: from the log,
  // the alert banner (an alert about them stays up, naming nobody: it still
  // needs a carer), the proposals and who is shown present. Nothing is
  // reloaded or redrawn; other people's lines stay as they were.
  function forget(ev) {
    const who = [ev.person].concat(Array.isArray(ev.names) ? ev.names : []).filter((w) => typeof w === "string" && w);
    const as = ev.as || "(a deleted person)";
    if (!who.length) return;
    const redact = (s) => (typeof s === "string" ? redactWords(s, who, as) : s);
    for (const id of ["log", "alert-banner", "person", "identify-residents"]) {
      const root = $(id);
      const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let n = walk.nextNode(); n; n = walk.nextNode()) n.nodeValue = redact(n.nodeValue);
      for (const el of root.querySelectorAll("[title], [data-person]")) {
        if (el.title) el.title = redact(el.title);
        if (el.dataset.person) el.dataset.person = redact(el.dataset.person);
      }
    }
    $("identify-residents").dataset.key = ""; // redrawn from the next status
    if (state.alert) { state.alert.person = redact(state.alert.person); state.alert.reason = redact(state.alert.reason); }
    if (who.includes(state.person)) state.person = "";
    for (const u of state.proposals.values()) { u.text = redact(u.text); u.person = redact(u.person); }
    showProposals();
    const field = $("delete-person-id");
    if (who.includes(field.value.trim())) field.value = "";
  }

  // ---- events ----
  function onEvent(ev) {
    seeTime(ev.at);
    switch (ev.type) {
      case "assessment":
        showAssessment(ev);
        state.scores.push({ at: ev.at, score: ev.score, band: ev.band });
        break;
      case "transition":
        setState(ev.to);
        state.marks.push({ at: ev.at, label: ev.to });
        log(ev.from + " → " + ev.to + (ev.reason ? " (" + ev.reason + ")" : ""), "transition", ev);
        // The person's explicit opt-out ends the alert's episode: the robot
        // no longer watches, so the page shows OPTED OUT, not an alarm
        // nothing can resolve (the console unpins it alike).
        if (ev.to === "opted_out" && state.alert) {
          log("the " + state.alert.level + " alert ended: the person opted out", "alert", ev);
          clearAlert();
        }
        break;
      case "utterance":
        if (ev.pending && ev.id) { state.proposals.set(ev.id, ev); showProposals(); break; }
        log("said: " + ev.text, "utterance", ev);
        break;
      case "pose":
        setPose(ev.joints);
        break;
      case "alert":
        log("ALERT " + ev.level + ": " + ev.reason, "alert", ev);
        showAlert(ev);
        break;
      case "acknowledgement":
        log("acknowledged by " + ev.by + (ev.alert_level ? " (" + ev.alert_level + " alert)" : ""), "acknowledgement", ev);
        clearAlert();
        break;
      case "fault":
        log("fault in " + ev.component + ": " + ev.message, "fault", ev);
        break;
      case "self_report":
        if (ev.outcome === "asked") {
          const asked = {
            call: " whether to call someone",
            place: " where it hurts",
            breathe: " whether to breathe together",
            opt_out: " whether to stop watching over them",
            opt_out_confirm: " to be sure it should stop watching over them",
          }[ev.question] || " how much it hurts";
          // A repeat may ask for a nod where the spoken answer was unclear.
          const how = [ev.attempt > 1 ? "again" : "", ev.answer_by === "nod" ? "by nod" : ""].filter(Boolean).join(", ");
          log("asked" + asked + (how ? " (" + how + ")" : ""), "utterance", ev);
          if (!ev.question || ev.question === "rating") {
            state.askedAt = ev.at;
            state.asking = (ev.attempt > 1 ? "asked again" : "asked") + " at " + (ev.at || 0).toFixed(0) + " s, listening";
            $("self-report").textContent = state.asking;
          }
        } else {
          const where = Array.isArray(ev.places) && ev.places.length ? ev.places.join(", ") : "";
          const what = typeof ev.rating === "number" ? ev.rating + " of 10" : (where || ev.answer || ev.outcome.replace("_", " "));
          log("self-report: " + what + (ev.heard ? " (heard \"" + ev.heard + "\")" : ""), "utterance", ev);
          if (ev.outcome === "answered" && typeof ev.rating === "number") {
            state.lastReport = { rating: ev.rating, at: ev.at };
            state.asking = "";
            $("self-report").textContent = "says " + ev.rating;
          } else if ((!ev.question || ev.question === "rating") && ev.outcome !== "late") {
            // No rating: the page says the robot asked and did not get one,
            // rather than "not asked yet" beside a score of 7.
            const at = (state.askedAt || ev.at || 0).toFixed(0) + " s";
            state.asking = ev.outcome === "let_be" ? "asked twice at " + at + ", no clear answer" : "asked at " + at + ", no clear answer yet";
            $("self-report").textContent = state.asking;
          }
        }
        break;
      case "forgotten":
        forget(ev);
        return;
      case "annotation":
        state.annotations.push({ at: ev.at, rating: ev.rating });
        log("annotation " + ev.scale + " " + ev.rating, "annotation", ev);
        break;
    }
    const cut = state.lastAt - WINDOW_S - 5;
    while (state.scores.length && state.scores[0].at < cut) state.scores.shift();
    scheduleDraw();
  }

  let drawPending = false;
  function scheduleDraw() {
    if (drawPending) return;
    drawPending = true;
    setTimeout(() => { drawPending = false; drawTimeline(); }, 50);
  }

  // ---- contact with the robot ----
  // A page that lost the robot must not look live: a calm gauge and ACTIVE
  // from a run that died are worse than no page. The page counts as in
  // contact while its stream is open and it has heard from the robot (an
  // event, or an answer to the status it asks for every 2 s) within
  // STALE_MS; otherwise the state strip says NO CONTACT and since when, and
  // the gauge and the face are greyed as of then. Alerts stay up: losing
  // contact resolves nothing.
  //
  // A browser slows the timers of a tab out of sight (Chrome to one
  // wake-up a minute after five minutes), so the status is asked rarely
  // there and its silence says nothing of the robot: a hidden page counts
  // contact lost when the stream closes or a status it asked is not
  // answered within 3 s, not when it has merely not asked. Else a console
  // left in a background tab would sound the lost-contact tone while the
  // robot was fine.
  const STALE_MS = 5000, ANSWER_MS = 3000;
  let statusAskedAt = 0;
  function heard() {
    state.heardAt = Date.now();
    checkContact();
  }
  function checkContact() {
    const now = Date.now();
    const unanswered = statusAskedAt > state.heardAt && now - statusAskedAt > ANSWER_MS;
    const silent = !document.hidden && now - state.heardAt >= STALE_MS;
    const live = !!socket && socket.readyState === 1 && !unanswered && !silent;
    const lost = !live && state.heardAt > 0;
    document.body.dataset.stale = String(lost);
    if (lost === state.lost) return;
    state.lost = lost;
    $("gauge").dataset.stale = String(lost);
    showGaugeBand();
    showMode();
    if (!state.alert) sound(); // the lost-contact tone starts or stops
  }
  function showGaugeBand() {
    $("gauge-band").textContent = state.lost ? "as of " + clockTime(state.heardAt) : state.bandText;
  }

  // ---- the stream ----
  // The console closes a page's stream rather than drop an alert the page
  // is too slow to take; the console also restarts, and networks fail. The
  // page reconnects at once and then backs off (0.25 s, doubling to 4 s),
  // and on every reconnection redraws from what the console sends first:
  // the unresolved alerts, an opt-out in force, the recent events and the
  // latest pose. It forgets what it drew from the stream before, so nothing
  // is shown twice, and tells the carer the view was resynced.
  const RETRY_MIN = 250, RETRY_MAX = 4000;
  let socket = null, opened = false, retry = RETRY_MIN, resyncs = 0;

  function resetView() {
    state.scores = [];
    state.annotations = [];
    state.marks = [];
    state.lastReport = null;
    state.asking = "";
    state.proposals.clear();
    showProposals();
    $("log").replaceChildren();
    clearAlert();
    // The run may be a new one (the robot restarted): its clock and its
    // gauge start again from what it sends, not from the last run's.
    state.lastAt = 0;
    seeTime();
    showNoAssessment();
  }

  function showNoAssessment() {
    const g = $("gauge");
    g.dataset.score = "";
    g.dataset.band = "none";
    $("gauge-arc").setAttribute("d", arcPath(0));
    $("gauge-score").textContent = "–";
    state.bandText = "no data";
    showGaugeBand();
    $("self-report").textContent = "not asked yet";
    $("pain-now").textContent = "–";
    $("pain-pill").dataset.band = "none";
  }

  function connect() {
    if (state.tokenRefusedAt || (socket && socket.readyState <= 1)) return;
    const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/api/v1/stream";
    const protocols = ["kindred.v1"];
    if (state.token) protocols.push("bearer." + state.token);
    socket = new WebSocket(url, protocols);
    let open = false; // this socket's: a handshake refused never opens
    socket.onopen = () => {
      open = true;
      retry = RETRY_MIN;
      refreshStatus(); // at once: a restarted robot's state, not the last run's
      const c = $("conn");
      c.className = "pill good";
      const renewed = state.tokenRenewedAt;
      state.tokenRenewedAt = 0;
      if (!opened) { opened = true; c.textContent = "live"; if (!renewed) return; }
      resetView();
      resyncs++;
      document.body.dataset.resyncs = String(resyncs);
      const at = clockTime(Date.now());
      if (renewed) {
        c.textContent = "live · new token " + at;
        c.title = "the robot's console token changed; this page took the new one and redrew the view at " + at;
        feedback("the robot's console token changed (it was started again with another): this page took the new one and redrew the view at " + at, false);
        return;
      }
      c.textContent = "live · resynced " + at;
      c.title = "the live stream was interrupted; the view was redrawn from the robot's recent events at " + at;
      feedback("view resynced at " + at + ": the live stream was interrupted, so the page redrew from the robot's recent events and open alerts", false);
    };
    socket.onmessage = (m) => {
      heard();
      try { onEvent(JSON.parse(m.data)); } catch (e) { /* a malformed event must not stop the page */ }
    };
    socket.onclose = () => {
      $("conn").textContent = state.tokenRefusedAt ? "offline · token refused" : "offline · reconnecting";
      $("conn").className = "pill bad";
      checkContact();
      // A handshake refused tells the page nothing of why (a browser hides
      // the 401): the status, asked at once, does, before another try.
      if (!open) refreshStatus();
      setTimeout(connect, retry);
      retry = Math.min(retry * 2, RETRY_MAX);
    };
  }

  async function refreshStatus() {
    // While the robot refuses the page's token, nothing is asked with it.
    if (state.tokenRefusedAt) { renewToken(); return; }
    statusAskedAt = Date.now();
    const tok = state.token;
    try {
      // A robot that stopped answering is no contact, not a wait forever.
      const r = await fetch("/api/v1/status", { headers: authHeaders(), signal: AbortSignal.timeout(ANSWER_MS) });
      if (refused(r, tok) || !r.ok) return;
      const s = await r.json();
      heard();
      showRobot(s.robot);
      if (s.opted_out) setState("opted_out");
      else if (s.paused) setState("paused");
      else if (s.state) setState(s.state);
      setPerson(s.person || state.person);
      showPresent(s.present, s.residents);
      if (s.assessment) { seeTime(s.assessment.at); showAssessment(s.assessment); }
      if (s.ranges) state.ranges = s.ranges;
      if (s.joints) setPose(s.joints);
      if (s.mirror) showMirror(s.mirror);
    } catch (e) { /* the stream shows the connection state */ }
  }

  // The header names the robot unless its name is the product's own
  // ("Kindred kindred" said nothing twice).
  function showRobot(name) {
    const n = (name || "").trim();
    const plain = n === "" || n.toLowerCase() === "kindred";
    $("robot").textContent = plain ? "" : n;
    $("robot-name").classList.toggle("hidden", plain);
    document.title = plain ? "Kindred console" : "Kindred console · " + n;
  }

  // ---- mirroring: the sliders show the condition in force ----
  // They start disabled and take the robot's values from the status; a
  // slider a person has moved keeps its value until Apply, and Apply sends
  // only what was moved, so it never changes a researcher's condition
  // behind their back.
  function showMirror(m) {
    state.mirror = m;
    const set = $("mimicry-set");
    set.dataset.known = "true";
    for (const id of ["mimic-enabled", "mimic-gain", "mimic-delay", "mimicry"]) $(id).disabled = false;
    if (!state.mirrorTouched.has("enabled")) $("mimic-enabled").checked = !!m.enabled;
    if (!state.mirrorTouched.has("gain")) {
      $("mimic-gain").value = String(m.gain);
      $("mimic-gain-out").textContent = String(Math.round(m.gain * 100) / 100);
    }
    if (!state.mirrorTouched.has("delay_ms")) {
      $("mimic-delay").value = String(m.delay_ms);
      $("mimic-delay-out").textContent = String(m.delay_ms);
    }
    $("mimic-note").textContent = state.mirrorTouched.size ? "changed here, not applied yet" : "as the robot runs now";
  }

  async function download(id, format) {
    const tok = state.token;
    const r = await fetch("/api/v1/sessions/" + encodeURIComponent(id) + "/export?format=" + format, { headers: authHeaders() });
    if (!r.ok) { feedback("export failed: " + (refused(r, tok) ? "the robot's console token changed" : r.status), true); return; }
    const url = URL.createObjectURL(await r.blob());
    const a = document.createElement("a");
    a.href = url; a.download = id + "." + format;
    document.body.appendChild(a); a.click(); a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  async function refreshSessions() {
    const body = $("sessions").querySelector("tbody");
    if (state.tokenRefusedAt) return;
    const tok = state.token;
    try {
      const r = await fetch("/api/v1/sessions", { headers: authHeaders() });
      if (refused(r, tok) || !r.ok) return;
      const list = await r.json();
      body.replaceChildren();
      for (const s of list) {
        const tr = document.createElement("tr");
        for (const v of [s.id, s.robot, s.condition, new Date(s.started).toLocaleString(), s.status]) {
          const td = document.createElement("td"); td.textContent = v; tr.appendChild(td);
        }
        const td = document.createElement("td");
        for (const f of ["csv", "jsonl"]) {
          const b = document.createElement("button");
          b.type = "button"; b.className = "small export"; b.textContent = f;
          b.dataset.session = s.id; b.dataset.format = f;
          b.addEventListener("click", () => download(s.id, f));
          td.appendChild(b);
        }
        tr.appendChild(td);
        body.appendChild(tr);
      }
    } catch (e) { /* keep the old list */ }
  }

  // ---- wiring controls ----
  for (const b of document.querySelectorAll("button[data-cmd]")) {
    b.addEventListener("click", () => control({ cmd: b.dataset.cmd }));
  }
  // The robot says a line of at most SAY_MAX bytes (journal.ParseControl):
  // the field is not cut at that (a paste cut short would be said cut
  // short); the count shows it, and a longer line is refused here with its
  // length, left in the field to shorten.
  const SAY_MAX = 500;
  const utf8 = new TextEncoder();
  const sayBytes = () => utf8.encode($("say-text").value.trim()).length;
  // lineFits says whether the robot takes text as a line, and why not.
  function lineFits(cmd, text) {
    const n = utf8.encode(text).length;
    if (n <= SAY_MAX) return true;
    feedback(cmd + ": too long, " + n + " bytes; the robot says at most " + SAY_MAX + ". Shorten it or split it in two.", true);
    return false;
  }
  function showSayCount() {
    const n = sayBytes();
    $("say-count").textContent = n + " of " + SAY_MAX + " bytes";
    $("say-count").className = n > SAY_MAX ? "small error" : "muted small";
  }
  $("say-text").addEventListener("input", showSayCount);
  $("say").addEventListener("click", () => once($("say"), async () => {
    const text = $("say-text").value.trim();
    if (!text) { feedback("say: type a line first", true); return; }
    if (!lineFits("say", text)) return;
    // Only the line sent leaves the field: what was typed while it was on
    // its way stays.
    if (await control({ cmd: "say", text }) && $("say-text").value.trim() === text) { $("say-text").value = ""; showSayCount(); }
  }));
  $("say-text").addEventListener("keydown", (e) => { if (e.key === "Enter" && !e.isComposing) $("say").click(); });
  $("intent").addEventListener("click", () => once($("intent"), () => control({ cmd: "intent", kind: $("intent-kind").value })));
  for (const [input, out] of [["mimic-gain", "mimic-gain-out"], ["mimic-delay", "mimic-delay-out"], ["nrs", "nrs-out"]]) {
    $(input).addEventListener("input", () => { $(out).textContent = $(input).value; });
  }
  for (const [input, field] of [["mimic-enabled", "enabled"], ["mimic-gain", "gain"], ["mimic-delay", "delay_ms"]]) {
    $(input).addEventListener("input", () => {
      state.mirrorTouched.add(field);
      $("mimic-note").textContent = "changed here, not applied yet";
    });
  }
  $("mimicry").addEventListener("click", () => once($("mimicry"), async () => {
    const body = { cmd: "mimicry" };
    if (state.mirrorTouched.has("enabled")) body.enabled = $("mimic-enabled").checked;
    if (state.mirrorTouched.has("gain")) body.gain = Number($("mimic-gain").value);
    if (state.mirrorTouched.has("delay_ms")) body.delay_ms = Math.round(Number($("mimic-delay").value));
    if (Object.keys(body).length === 1) { feedback("mimicry: nothing changed", false); return; }
    if (await control(body)) {
      state.mirrorTouched.clear();
      refreshStatus();
    }
  }));
  function annotation(extra) {
    const a = Object.assign({ at: state.lastAt, annotator: "console" }, extra);
    if (state.person) a.person = state.person;
    const note = $("note").value.trim();
    if (note) a.note = note;
    return a;
  }
  $("annotate-nrs").addEventListener("click", () => once($("annotate-nrs"), () =>
    control({ cmd: "annotate", annotation: annotation({ scale: "nrs", rating: Number($("nrs").value) }) })));
  $("annotate-painad").addEventListener("click", () => once($("annotate-painad"), () => {
    const items = {};
    let total = 0;
    for (const s of document.querySelectorAll("select[data-painad]")) {
      items[s.dataset.painad] = Number(s.value);
      total += Number(s.value);
    }
    return control({ cmd: "annotate", annotation: annotation({ scale: "painad", items, rating: total }) });
  }));
  $("identify-visitor").addEventListener("click", () => once($("identify-visitor"), async () => {
    if (await control({ cmd: "identify", person: "visitor" })) refreshStatus();
  }));
  $("refresh-sessions").addEventListener("click", refreshSessions);
  $("delete-person").addEventListener("click", async () => {
    const id = $("delete-person-id").value.trim();
    if (!id || !confirm("Delete every record about " + id + "? This cannot be undone.")) return;
    const tok = state.token;
    const r = await fetch("/api/v1/persons/" + encodeURIComponent(id), { method: "DELETE", headers: authHeaders() });
    // The page says whom it deleted no longer: the console has it
    // forget them (the "forgotten" event), the field too.
    feedback(r.ok ? "deleted everything about the person" : "delete failed: " + (refused(r, tok) ? "the robot's console token changed" : r.status), !r.ok);
    refreshSessions();
  });

  // Whatever scrolls into view (a focused field, a clicked proposal) must
  // not land under the sticky top.
  new ResizeObserver(() => {
    document.documentElement.style.scrollPaddingTop = ($("top").offsetHeight + 8) + "px";
  }).observe($("top"));

  async function start() {
    showMute();
    setState("");
    drawTimeline();
    drawFace();
    await getToken();
    // Without the token every API request is refused, and each refusal is
    // a recorded fault (the console's audit of refused access): a page on
    // another machine waits for a carer to give it instead.
    if (state.token) begin();
  }

  let polling = null;
  function begin() {
    connect();
    refreshStatus();
    refreshSessions();
    if (!polling) {
      polling = setInterval(refreshStatus, 2000);
      setInterval(checkContact, 1000);
      // Back in sight: ask at once, not at the slowed timer's next turn.
      document.addEventListener("visibilitychange", () => { if (!document.hidden) refreshStatus(); });
    }
  }
  start();
})();
