// Offline trainer mode: the page. Reads the event stored on the phone, checks people in from the
// roster or a scanned card, adds walk-ins, headcounts and paper answers to the queue, shows each
// action's state at once, and sends the queue when the connection returns. Its words come from the
// page ([data-texts]), rendered in the trainer's language when the event was prepared.
(function () {
  "use strict";
  var root = document.querySelector("[data-offline-app]");
  if (!root || !window.OfflineQueue) return;
  var texts = JSON.parse(root.querySelector("[data-texts]").textContent);
  var eventId = root.getAttribute("data-event-id");
  var dataUrl = root.getAttribute("data-data-url");
  var store = new OfflineQueue.Store(eventId);
  var data = null, items = [];
  var el = function (selector) { return root.querySelector(selector); };
  var sender = new OfflineQueue.Sender(store, {
    api: root.getAttribute("data-api"), dataUrl: dataUrl, eventId: eventId, texts: texts,
    onChange: function (message) { if (message !== undefined) el("[data-sync-message]").textContent = message; reload(); }
  });

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, name) { return name in values ? values[name] : whole; });
  }
  function node(tag, className, text) {
    var element = document.createElement(tag);
    if (className) element.className = className;
    if (text !== undefined) element.textContent = text;
    return element;
  }
  function sessionId() { return Number(el("[data-session]").value) || null; }
  function groupName(id) {
    var group = (data.target_groups || []).find(function (g) { return g.id === id; });
    return group ? group.name : "";
  }
  function stateText(item) {
    if (item.state === "failed") return fill(texts.refused, { reason: item.reason });
    return item.state === "sent" ? texts.checked_in : texts.waiting;
  }
  function participantOf(item) { return item.participant_id || (item.result && item.result.participant_id) || null; }

  // The attendance actions of the chosen session, by participant: the one that counts (not a refused one).
  function attendanceItems() {
    var byPerson = {}, others = [];
    items.forEach(function (item) {
      if (item.kind !== "attendance" || item.session_id !== sessionId()) return;
      var id = participantOf(item);
      if (id && (!byPerson[id] || byPerson[id].state === "failed")) byPerson[id] = item;
      else if (!id) others.push(item);
    });
    return { byPerson: byPerson, others: others };
  }
  function checkedInHere() {
    var ids = {};
    (data.checked_in || []).forEach(function (pair) { if (pair[0] === sessionId()) ids[pair[1]] = true; });
    return ids;
  }

  function renderRoster() {
    var list = el("[data-roster]"), search = el("[data-search]").value.trim().toLowerCase();
    var queued = attendanceItems(), server = checkedInHere();
    list.textContent = "";
    queued.others.forEach(function (item) {
      var row = node("li", "queued-row");
      row.appendChild(node("span", "", item.label));
      row.appendChild(node("span", "status state-" + item.state, stateText(item)));
      row.setAttribute("data-state", item.state);
      list.appendChild(row);
    });
    data.people.forEach(function (person) {
      var item = queued.byPerson[person.id];
      var shown = search ? (person.name.toLowerCase().indexOf(search) >= 0 || (person.phone || "").indexOf(search) >= 0)
        : (person.registered || item || server[person.id]);
      if (!shown) return;
      var row = node("li");
      row.appendChild(node("span", "", (person.name || texts.no_name) + " · " + groupName(person.target_group_id)));
      if (server[person.id] && (!item || item.state !== "waiting")) {
        row.appendChild(node("span", "status state-sent", texts.checked_in));
      } else if (item && item.state !== "failed") {
        row.appendChild(node("span", "status state-" + item.state, stateText(item)));
      } else {
        if (item) row.appendChild(node("span", "status state-failed", stateText(item)));
        var button = node("button", "button small primary", texts.check_in);
        button.type = "button";
        button.addEventListener("click", function () {
          queue("attendance", { participant_id: person.id, label: person.name, body: { participant_id: person.id } });
        });
        row.appendChild(button);
      }
      list.appendChild(row);
    });
  }

  function renderQueue() {
    var list = el("[data-queue]"), waiting = 0, failed = 0;
    list.textContent = "";
    items.slice().reverse().forEach(function (item) {
      if (item.state === "waiting") waiting++;
      if (item.state === "failed") failed++;
      var row = node("li");
      row.setAttribute("data-state", item.state);
      row.appendChild(node("span", "", item.label));
      row.appendChild(node("span", "status state-" + item.state, stateText(item)));
      list.appendChild(row);
    });
    el("[data-sync-status]").textContent = fill(texts.status, { waiting: waiting, failed: failed });
  }

  function renderChoices() {
    var select = el("[data-session]"), chosen = select.value;
    select.textContent = "";
    data.sessions.forEach(function (session) {
      var option = node("option", "", session.label);
      option.value = session.id;
      if (String(session.id) === chosen || (!chosen && session.today)) option.selected = true;
      select.appendChild(option);
    });
    var groups = el("[data-target-groups]");
    if (!groups.options.length) {
      groups.appendChild(node("option", "", ""));
      data.target_groups.forEach(function (group) {
        var option = node("option", "", group.name);
        option.value = group.id;
        groups.appendChild(option);
      });
      window.OfflineForms.build(root, data, texts);
    }
    window.OfflineForms.people(root, data, items);
  }

  function render() {
    el("[data-connection]").textContent = navigator.onLine ? texts.online : texts.offline;
    if (!data) { renderQueue(); return; }
    el("[data-stored]").textContent = fill(texts.stored, {
      count: data.people.length, time: new Date(data.stored_at).toLocaleString(document.documentElement.lang) });
    renderChoices();
    renderRoster();
    renderQueue();
  }

  function reload() {
    return Promise.all([store.data(), store.items()]).then(function (found) {
      data = found[0] || null;
      items = found[1];
      render();
    });
  }

  // Adds an action to the queue: shown at once, sent at once when online.
  function queue(kind, fields) {
    var adding = store.add(kind, Object.assign({ session_id: sessionId() }, fields));
    return adding.then(function (item) {
      items.push(item);
      render();
      if (navigator.onLine) sender.sendAll();
      return item;
    });
  }
  window.OfflineApp = {
    queue: queue,
    items: function () { return items; },
    put: function (item) { return store.put(item).then(reload); },
    remove: function (key) {
      items = items.filter(function (item) { return item.key !== key; });
      return store.remove(key);
    }
  };

  el("[data-scan-queue]").addEventListener("card-read", function (event) {
    if (!data) return;
    var code = OfflineQueue.cardCode(event.detail.text), show = event.detail.show;
    if (!code) return;
    var person = data.people.find(function (p) { return p.card_code === code; });
    var queued = attendanceItems();
    var done = person ? (checkedInHere()[person.id] || (queued.byPerson[person.id] && queued.byPerson[person.id].state !== "failed"))
      : queued.others.some(function (item) { return item.body.card_code === code && item.state !== "failed"; });
    if (done) { show("already_checked_in", texts.already, person ? person.name : ""); return; }
    // A card this phone does not know is queued too: the server decides.
    queue("attendance", { participant_id: person ? person.id : null, label: person ? person.name : code,
                          body: { card_code: code } });
    show("checked_in", person ? texts.queued : texts.unknown_card, person ? person.name : "");
  });

  // Stores the page, its files and the event's data on the phone. Also run quietly at each opening
  // with a connection, so that a phone never keeps files older than the server's API.
  function prepare(quiet) {
    var stored = el("[data-stored]");
    if (!quiet) stored.textContent = texts.preparing;
    var precache = JSON.parse(root.getAttribute("data-precache"));
    var files = navigator.serviceWorker.register(root.getAttribute("data-worker-url"))
      .then(function (registration) { return caches.open(registration.scope); })
      .then(function (cache) { return cache.addAll(precache); });
    var fresh = fetch(dataUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { if (!response.ok) throw new Error(response.status); return response.json(); })
      .then(function (fetched) { return store.saveData(fetched); });
    return Promise.all([files, fresh]).then(reload, function () { if (!quiet) stored.textContent = texts.prepare_failed; });
  }

  // Off the phone once nothing waits: the event's personal data stays on a phone no longer than needed.
  function forget() {
    if (items.some(function (item) { return item.state === "waiting"; })) {
      el("[data-sync-message]").textContent = texts.send_first;
      return;
    }
    var worker = navigator.serviceWorker.getRegistration(root.getAttribute("data-worker-url"))
      .then(function (registration) {
        if (!registration) return null;
        return caches.delete(registration.scope).then(function () { return registration.unregister(); });
      });
    Promise.all([worker, store.destroy()]).then(function () {
      store = new OfflineQueue.Store(eventId);
      sender.store = store;
      data = null;
      items = [];
      el("[data-stored]").textContent = texts.not_prepared;
      render();
    });
  }

  el("[data-prepare]").addEventListener("click", function () { prepare(false); });
  el("[data-forget]").addEventListener("click", forget);
  el("[data-send-now]").addEventListener("click", function () { sender.sendAll(); });
  el("[data-session]").addEventListener("change", render);
  el("[data-search]").addEventListener("input", renderRoster);
  window.addEventListener("online", function () { render(); sender.sendAll(); });
  window.addEventListener("offline", render);
  setInterval(function () { if (navigator.onLine) sender.sendAll(); }, 30000);
  reload().then(function () {
    if (!navigator.onLine) return;
    if (data) prepare(true);
    sender.sendAll();
  });
})();
