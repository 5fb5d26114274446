// Offline trainer mode: what the phone stores (IndexedDB through idb) and the queue of actions,
// each with its own client key, sent through the JSON API when the connection returns.
(function () {
  "use strict";

  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // The card code in what a scanner read: a card URL (…/p/CODE) or the bare code, as the server reads it.
  function cardCode(text) {
    text = (text || "").trim();
    if (text.indexOf("/p/") >= 0) text = text.slice(text.lastIndexOf("/p/") + 3);
    return text.split("?")[0].split("#")[0].replace(/^\/+|\/+$/g, "");
  }

  function Store(eventId) {
    this.name = "offline-event-" + eventId;
    this.db = window.idb.openDB(this.name, 1, {
      upgrade: function (db) {
        db.createObjectStore("data");
        db.createObjectStore("queue", { keyPath: "key" });
      }
    });
  }
  Store.prototype.data = function () { return this.db.then(function (db) { return db.get("data", "event"); }); };
  Store.prototype.saveData = function (data) {
    data.stored_at = Date.now();
    return this.db.then(function (db) { return db.put("data", data, "event"); }); };
  Store.prototype.items = function () {
    return this.db.then(function (db) { return db.getAll("queue"); })
      .then(function (items) { return items.sort(function (a, b) { return a.seq - b.seq; }); });
  };
  // Everything of the event off the phone: its data, its queue and its stored page.
  Store.prototype.destroy = function () {
    var name = this.name;
    return this.db.then(function (db) { db.close(); return window.idb.deleteDB(name); });
  };
  Store.prototype.put = function (item) { return this.db.then(function (db) { return db.put("queue", item); }); };
  Store.prototype.remove = function (key) { return this.db.then(function (db) { return db.delete("queue", key); }); };

  // A new action, kept on the phone until the server answers it.
  Store.prototype.add = function (kind, fields) {
    var item = Object.assign({ key: newKey(), seq: Date.now() + Math.random(), kind: kind, state: "waiting" }, fields);
    if (item.body && item.kind === "attendance") item.body.client_key = item.key;
    return this.put(item).then(function () { return item; });
  };

  function problemText(problem, fallback) {
    if (!problem) return fallback;
    var parts = [problem.detail || problem.title || fallback];
    var errors = problem.errors || {};
    Object.keys(errors).forEach(function (field) {
      var messages = [].concat(errors[field]).filter(function (m) { return typeof m === "string" && parts.indexOf(m) < 0; });
      if (messages.length) parts.push(messages.join(" "));
    });
    return parts.join(" · ");
  }

  // Sends the waiting actions in the order they were made. A refusal (4xx with a reason) marks the
  // action "failed" with the server's reason; no connection or a server error leaves it waiting.
  function Sender(store, options) {
    this.store = store;
    this.options = options; // api, dataUrl, texts, onChange(message)
    this.busy = false;
  }

  Sender.prototype.freshToken = function () {
    var self = this;
    return fetch(this.options.dataUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("login");
        return response.json();
      })
      .then(function (data) { return self.store.saveData(data).then(function () { return data.csrf_token; }); });
  };

  Sender.prototype.request = function (item) {
    var api = this.options.api, eventId = this.options.eventId;
    if (item.kind === "attendance") return ["POST", api + "/sessions/" + item.session_id + "/attendances"];
    if (item.kind === "headcount") return ["PUT", api + "/events/" + eventId + "/headcounts"];
    return ["POST", api + "/events/" + eventId + "/paper-answers"];
  };

  Sender.prototype.sendAll = function () {
    var self = this, texts = this.options.texts;
    if (this.busy) return Promise.resolve();
    this.busy = true;
    var message = "";
    return this.store.items()
      .then(function (items) {
        var waiting = items.filter(function (item) { return item.state === "waiting"; });
        if (!waiting.length) return null;
        return self.freshToken().then(function (token) {
          return waiting.reduce(function (previous, item) {
            return previous.then(function (goOn) { return goOn === true ? self.sendOne(item, token) : goOn; });
          }, Promise.resolve(true));
        }, function () { message = navigator.onLine ? texts.log_in_again : texts.no_connection; });
      })
      .then(function (result) {
        if (result === "login") message = texts.log_in_again;
        else if (result === false && !message) message = texts.no_connection;
      })
      .then(function () { self.busy = false; self.options.onChange(message); },
            function () { self.busy = false; self.options.onChange(texts.no_connection); });
  };

  // Resolves true to go on with the next action; false to stop (no connection, server busy or down),
  // "login" to stop until the trainer logs in again.
  Sender.prototype.sendOne = function (item, token) {
    var self = this, how = this.request(item);
    return fetch(how[1], {
      method: how[0], credentials: "same-origin", body: JSON.stringify(item.body),
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token }
    }).then(function (response) {
      if (response.status === 401) return "login";
      if (response.status >= 500 || response.status === 429) return false;
      return response.json().catch(function () { return null; }).then(function (answer) {
        if (response.ok) {
          item.state = "sent";
          item.result = answer;
          item.reason = "";
        } else {
          item.state = "failed";
          item.reason = problemText(answer, String(response.status));
        }
        return self.store.put(item).then(function () { self.options.onChange(""); return true; });
      });
    }, function () { return false; });
  };

  window.OfflineQueue = { Store: Store, Sender: Sender, cardCode: cardCode, newKey: newKey };
})();
